package main

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"shipping/internal/config"
	"shipping/internal/db"
	"shipping/internal/store"
)

// jobsCmd is the operators' view of the queue:
//
//	shipping jobs stats          how many jobs are in each status
//	shipping jobs failed [N]     the N most recent failed jobs with their last error
//	shipping jobs retry ID...    queue failed jobs again, with fresh attempts
func jobsCmd(ctx context.Context, cfg config.Config, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: shipping jobs stats|failed [N]|retry ID...")
	}
	pool, err := db.Open(ctx, cfg.DatabaseURL, 2)
	if err != nil {
		return err
	}
	defer pool.Close()
	switch args[0] {
	case "stats":
		counts, err := store.JobCounts(ctx, pool)
		if err != nil {
			return err
		}
		return printJSON(counts)
	case "failed":
		limit := 20
		if len(args) > 1 {
			if limit, err = strconv.Atoi(args[1]); err != nil || limit < 1 {
				return fmt.Errorf("N: a positive number")
			}
		}
		return listFailed(ctx, pool, limit)
	case "retry":
		for _, raw := range args[1:] {
			id, err := strconv.ParseInt(raw, 10, 64)
			if err != nil {
				return fmt.Errorf("job id %q: %w", raw, err)
			}
			res, err := pool.ExecContext(ctx,
				`UPDATE jobs SET status = 'queued', attempts = 0, run_at = now(), last_error = NULL, updated_at = now()
				 WHERE id = $1 AND status = 'failed'`, id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return fmt.Errorf("job %d is not a failed job", id)
			}
			fmt.Printf("queued %d\n", id)
		}
		return nil
	}
	return fmt.Errorf("jobs: unknown action %q", args[0])
}

type failedJob struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error"`
	UpdatedAt time.Time `json:"updated_at"`
}

func listFailed(ctx context.Context, pool *sql.DB, limit int) error {
	rows, err := pool.QueryContext(ctx,
		`SELECT id, kind, attempts, COALESCE(last_error, ''), updated_at FROM jobs
		 WHERE status = 'failed' ORDER BY updated_at DESC LIMIT $1`, limit)
	if err != nil {
		return err
	}
	defer rows.Close()
	out := []failedJob{}
	for rows.Next() {
		var j failedJob
		if err := rows.Scan(&j.ID, &j.Kind, &j.Attempts, &j.LastError, &j.UpdatedAt); err != nil {
			return err
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return printJSON(out)
}
