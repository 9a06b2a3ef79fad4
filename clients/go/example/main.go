// Command example asks Switchyard which model it would route a prompt to, then runs the prompt.
//
//	go run ./example [-prompt TEXT] [ADDRESS]
//
// ADDRESS defaults to $SWITCHYARD_ADDR, then 127.0.0.1:50051.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/status"

	pb "switchyard/clients/go/switchyardv1"
)

func main() {
	prompt := flag.String("prompt", "Explain in two sentences why the sky is blue.", "the user message to route")
	flag.Parse()
	addr := flag.Arg(0)
	if addr == "" {
		addr = os.Getenv("SWITCHYARD_ADDR")
	}
	if addr == "" {
		addr = "127.0.0.1:50051"
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, addr, *prompt, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "switchyard: %s: %s\n", status.Code(err), status.Convert(err).Message())
		os.Exit(1)
	}
}

// run decides and executes prompt on the Switchyard server at addr, printing to w.
func run(ctx context.Context, addr, prompt string, w io.Writer) error {
	// Plaintext, as Switchyard serves on loopback. (grpc-go 1.34 and later also offer
	// grpc.WithTransportCredentials(insecure.NewCredentials()).)
	conn, err := grpc.Dial(addr, grpc.WithInsecure())
	if err != nil {
		return err
	}
	defer conn.Close()
	router := pb.NewRouterServiceClient(conn)

	messages := []*pb.Message{{
		Role:    pb.Role_ROLE_USER,
		Content: []*pb.ContentPart{{Part: &pb.ContentPart_Text{Text: prompt}}},
	}}

	fmt.Fprintln(w, "== Decide")
	decision, err := router.Decide(ctx, &pb.DecideRequest{Messages: messages})
	if err != nil {
		return err
	}
	printDecision(w, decision)

	fmt.Fprintln(w, "== Execute")
	result, err := router.Execute(ctx, &pb.ExecuteRequest{Messages: messages})
	if err != nil {
		return err
	}
	printResult(w, result)
	return nil
}

func printDecision(w io.Writer, d *pb.DecideResponse) {
	fallbacks := strings.Join(d.GetFallbacks(), ", ")
	if fallbacks == "" {
		fallbacks = "(none)"
	}
	fmt.Fprintf(w, "model:     %s\nfallbacks: %s\nreason:    %s\ncandidates:\n", d.GetModel(), fallbacks, d.GetReason())
	fmt.Fprintf(w, "  %-24s %-8s %7s %10s %6s  %s\n", "model", "eligible", "quality", "est. cost", "score", "excluded because")
	// The chosen model and its fallbacks first (rank 1, 2, ...), then the rest by score.
	candidates := append([]*pb.Candidate(nil), d.GetCandidates()...)
	sort.SliceStable(candidates, func(i, j int) bool {
		a, b := candidates[i], candidates[j]
		if (a.GetRank() == 0) != (b.GetRank() == 0) {
			return a.GetRank() != 0
		}
		if a.GetRank() != b.GetRank() {
			return a.GetRank() < b.GetRank()
		}
		return a.GetScore() > b.GetScore()
	})
	for _, c := range candidates {
		eligible := "no"
		if c.GetEligible() {
			eligible = "yes"
		}
		cost := fmt.Sprintf("$%.6f", c.GetEstimatedCostUsd())
		line := fmt.Sprintf("  %-24s %-8s %7.3f %10s %6.3f  %s", c.GetModel(), eligible, c.GetPredictedQuality(), cost, c.GetScore(), c.GetExcludedReason())
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
}

func printResult(w io.Writer, r *pb.ExecuteResponse) {
	fmt.Fprintf(w, "answer:    %s\nmodel:     %s\ncost:      $%.7f\n", r.GetMessage().GetText(), r.GetModel(), r.GetCostUsd())
	fmt.Fprintf(w, "tokens:    %d in, %d out\nattempts:\n", r.GetUsage().GetInputTokens(), r.GetUsage().GetOutputTokens())
	for i, a := range r.GetAttempts() {
		outcome := strings.ToLower(strings.TrimPrefix(a.GetOutcome().String(), "ATTEMPT_OUTCOME_"))
		line := fmt.Sprintf("  %d. %s (%s) %s in %.0f ms  %s", i+1, a.GetModel(), a.GetStep(), outcome, a.GetLatencyMs(), a.GetError())
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
}
