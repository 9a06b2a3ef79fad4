// Switchyard's Go client: the generated switchyard.v1 stubs and an example. The module lives in
// the Switchyard repository at clients/go and is not published on any host, so its path names
// no host: a path without a dot is one the go command never looks up on the network. Depend on
// it with a replace directive pointing at this folder (README.md). The path is also the
// go_package of the protos, which `buf breaking` holds to the v0.1.0 release.
module switchyard/clients/go

go 1.19

require (
	google.golang.org/grpc v1.33.3
	google.golang.org/protobuf v1.28.1
)
