// Command shipping is the shipping service's one binary:
//
//	shipping serve [--host H] [--port P]   the HTTP API
//	shipping worker [--once]               the background job worker
//	shipping migrate [up [VERSION] | status]
//	shipping seed [--parcels N]            demo tenants (prints their keys as JSON)
//	shipping create-tenant SLUG NAME       a tenant and its first admin key (JSON)
//	shipping create-key SLUG NAME ROLE     another key (JSON)
//	shipping jobs stats|failed|retry       the job queue, for operators
//
// Settings come from the environment (DATABASE_URL, CARRIER_URL, ...: see internal/config).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"

	"shipping/internal/config"
	"shipping/internal/logging"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	cfg, err := config.Load()
	if err != nil {
		fail(err)
	}
	log := logging.New(os.Stdout, cfg.LogLevel)
	slog.SetDefault(log) // handlers log through slog's default, with the request's context
	ctx := context.Background()
	args := os.Args[2:]
	switch os.Args[1] {
	case "serve":
		err = serve(ctx, cfg, log, args)
	case "worker":
		err = worker(ctx, cfg, log, args)
	case "migrate":
		err = migrate(ctx, cfg, args)
	case "seed":
		err = seedCmd(ctx, cfg, args)
	case "create-tenant":
		err = createTenant(ctx, cfg, args)
	case "create-key":
		err = createKey(ctx, cfg, args)
	case "jobs":
		err = jobsCmd(ctx, cfg, args)
	default:
		usage()
	}
	if err != nil {
		fail(err)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: shipping serve|worker|migrate|seed|create-tenant|create-key|jobs ...")
	os.Exit(2)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "shipping:", err)
	os.Exit(1)
}

func printJSON(v any) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
