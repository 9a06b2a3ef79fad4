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
	"log"
	"os"
	"sort"
	"strings"
	"time"

	"google.golang.org/grpc"

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

	// Plaintext, as Switchyard serves on loopback. (grpc-go 1.34 and later also offer
	// grpc.WithTransportCredentials(insecure.NewCredentials()).)
	conn, err := grpc.Dial(addr, grpc.WithInsecure())
	if err != nil {
		log.Fatalf("switchyard: dial %s: %v", addr, err)
	}
	defer conn.Close()
	router := pb.NewRouterServiceClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	messages := []*pb.Message{{
		Role:    pb.Role_ROLE_USER,
		Content: []*pb.ContentPart{{Part: &pb.ContentPart_Text{Text: *prompt}}},
	}}

	fmt.Println("== Decide")
	decision, err := router.Decide(ctx, &pb.DecideRequest{Messages: messages})
	if err != nil {
		log.Fatalf("switchyard: Decide: %v", err)
	}
	printDecision(decision)

	fmt.Println("== Execute")
	result, err := router.Execute(ctx, &pb.ExecuteRequest{Messages: messages})
	if err != nil {
		log.Fatalf("switchyard: Execute: %v", err)
	}
	printResult(result)
}

func printDecision(d *pb.DecideResponse) {
	fallbacks := strings.Join(d.GetFallbacks(), ", ")
	if fallbacks == "" {
		fallbacks = "(none)"
	}
	fmt.Printf("model:     %s\nfallbacks: %s\nreason:    %s\ncandidates:\n", d.GetModel(), fallbacks, d.GetReason())
	fmt.Printf("  %-24s %-8s %7s %10s %6s  %s\n", "model", "eligible", "quality", "est. cost", "score", "excluded because")
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
		fmt.Println(strings.TrimRight(line, " "))
	}
}

func printResult(r *pb.ExecuteResponse) {
	fmt.Printf("answer:    %s\nmodel:     %s\ncost:      $%.7f\n", r.GetMessage().GetText(), r.GetModel(), r.GetCostUsd())
	fmt.Printf("tokens:    %d in, %d out\nattempts:\n", r.GetUsage().GetInputTokens(), r.GetUsage().GetOutputTokens())
	for i, a := range r.GetAttempts() {
		outcome := strings.ToLower(strings.TrimPrefix(a.GetOutcome().String(), "ATTEMPT_OUTCOME_"))
		line := fmt.Sprintf("  %d. %s (%s) %s in %.0f ms  %s", i+1, a.GetModel(), a.GetStep(), outcome, a.GetLatencyMs(), a.GetError())
		fmt.Println(strings.TrimRight(line, " "))
	}
}
