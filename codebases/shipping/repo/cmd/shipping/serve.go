package main

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"shipping/internal/app"
	"shipping/internal/config"
	"shipping/internal/db"
	"shipping/internal/server"
)

func serve(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	fs.StringVar(&cfg.Host, "host", cfg.Host, "listen host")
	fs.IntVar(&cfg.Port, "port", cfg.Port, "listen port")
	_ = fs.Parse(args)
	pool, err := db.Open(ctx, cfg.DatabaseURL, cfg.DBMaxOpenConns)
	if err != nil {
		return err
	}
	defer pool.Close()
	return server.Run(cfg.Addr(), app.NewAPI(cfg, pool).Handler(), cfg.ShutdownTimeout, log)
}

func worker(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("worker", flag.ExitOnError)
	once := fs.Bool("once", false, "run the jobs that are due, then exit")
	_ = fs.Parse(args)
	pool, err := db.Open(ctx, cfg.DatabaseURL, 4)
	if err != nil {
		return err
	}
	defer pool.Close()
	w := app.NewWorker(cfg, pool, log)
	if *once {
		n, err := w.Drain(ctx)
		log.Info("worker pass done", "jobs", n)
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()
	return w.Run(ctx)
}
