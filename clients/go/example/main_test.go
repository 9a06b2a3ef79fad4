package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	pb "switchyard/clients/go/switchyardv1"
)

// The generated messages round-trip through the binary and JSON encodings, JSON with the
// protos' own field names, maps and proto3 optional fields included.
func TestMessagesRoundTrip(t *testing.T) {
	tradeoff := 0.2
	req := &pb.DecideRequest{
		Messages:        []*pb.Message{{Role: pb.Role_ROLE_USER, Content: []*pb.ContentPart{{Part: &pb.ContentPart_Text{Text: "hi"}}}}},
		MaxOutputTokens: 100,
		Preferences:     &pb.Preferences{CostQualityTradeoff: &tradeoff},
		Labels:          &pb.Labels{UserTier: "free", Extra: map[string]string{"team": "docs"}},
	}
	wire, err := proto.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	back := &pb.DecideRequest{}
	if err := proto.Unmarshal(wire, back); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(req, back) {
		t.Fatalf("binary round trip changed the request: %v", back)
	}
	text, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"max_output_tokens":100`, `"cost_quality_tradeoff":0.2`, `"extra":{"team":"docs"}`, `"role":"ROLE_USER"`} {
		if !strings.Contains(strings.ReplaceAll(string(text), " ", ""), want) {
			t.Errorf("JSON %s lacks %s", text, want)
		}
	}
	fromJSON := &pb.DecideRequest{}
	if err := protojson.Unmarshal(text, fromJSON); err != nil || !proto.Equal(req, fromJSON) {
		t.Fatalf("JSON round trip: %v, %v", err, fromJSON)
	}
}

// The example against a live server: SWITCHYARD_ADDR names it (the repository's tests start one).
func TestExampleAgainstServer(t *testing.T) {
	addr := os.Getenv("SWITCHYARD_ADDR")
	if addr == "" {
		t.Skip("SWITCHYARD_ADDR is not set: no server to run the example against")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, addr, "Name three rivers.", &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	lines := strings.Split(out.String(), "\n")
	field := func(section, key string) string {
		in := false
		for _, l := range lines {
			if strings.HasPrefix(l, "== ") {
				in = l == "== "+section
			} else if in && strings.HasPrefix(l, key+":") {
				return strings.TrimSpace(strings.TrimPrefix(l, key+":"))
			}
		}
		t.Fatalf("no %q line in section %s:\n%s", key, section, out.String())
		return ""
	}
	model := field("Decide", "model")
	if got := field("Execute", "model"); got != model {
		t.Errorf("Execute answered with %s, Decide chose %s", got, model)
	}
	if answer := field("Execute", "answer"); !strings.Contains(answer, "simulated answer from "+model) {
		t.Errorf("answer %q is not the simulator's for %s", answer, model)
	}
}
