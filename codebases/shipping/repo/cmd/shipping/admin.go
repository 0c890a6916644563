package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"

	"shipping/internal/cli"
	"shipping/internal/config"
	"shipping/internal/db"
	"shipping/internal/seed"
	"shipping/migrations"
)

func migrate(ctx context.Context, cfg config.Config, args []string) error {
	pool, err := db.Open(ctx, cfg.DatabaseURL, 2)
	if err != nil {
		return err
	}
	defer pool.Close()
	all, err := db.LoadMigrations(migrations.Files)
	if err != nil {
		return err
	}
	action := "up"
	if len(args) > 0 {
		action = args[0]
	}
	switch action {
	case "up":
		target := 0
		if len(args) > 1 {
			if target, err = strconv.Atoi(args[1]); err != nil {
				return fmt.Errorf("version %q: %w", args[1], err)
			}
		}
		done, err := db.MigrateUp(ctx, pool, all, target)
		for _, v := range done {
			fmt.Printf("applied %04d\n", v)
		}
		return err
	case "status":
		applied, err := db.Applied(ctx, pool)
		if err != nil {
			return err
		}
		for _, m := range all {
			state := "pending"
			if applied[m.Version] {
				state = "applied"
			}
			fmt.Printf("%04d_%s %s\n", m.Version, m.Name, state)
		}
		return nil
	}
	return fmt.Errorf("migrate: unknown action %q (up, status)", action)
}

func seedCmd(ctx context.Context, cfg config.Config, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ExitOnError)
	parcels := fs.Int("parcels", 0, "generated parcels per tenant")
	_ = fs.Parse(args)
	pool, err := db.Open(ctx, cfg.DatabaseURL, 2)
	if err != nil {
		return err
	}
	defer pool.Close()
	out, err := seed.Run(ctx, pool, *parcels)
	if err != nil {
		return err
	}
	return printJSON(out)
}

func createTenant(ctx context.Context, cfg config.Config, args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("usage: shipping create-tenant SLUG NAME")
	}
	pool, err := db.Open(ctx, cfg.DatabaseURL, 2)
	if err != nil {
		return err
	}
	defer pool.Close()
	out, err := cli.CreateTenant(ctx, pool, args[0], args[1])
	if err != nil {
		return err
	}
	return printJSON(out)
}

func createKey(ctx context.Context, cfg config.Config, args []string) error {
	if len(args) != 3 {
		return fmt.Errorf("usage: shipping create-key SLUG NAME ROLE")
	}
	pool, err := db.Open(ctx, cfg.DatabaseURL, 2)
	if err != nil {
		return err
	}
	defer pool.Close()
	out, err := cli.CreateKey(ctx, pool, args[0], args[1], args[2])
	if err != nil {
		return err
	}
	return printJSON(out)
}
