// Package testutil gives tests a migrated database (DATABASE_URL, emptied first) and fakes of
// the outside services the code calls.
package testutil

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"shipping/internal/db"
	"shipping/migrations"
)

// Database empties the DATABASE_URL database's public schema, migrates it and returns a pool.
// Tests using it must not run in parallel with each other (`go test -p 1 ./...`).
func Database(t testing.TB) *sql.DB {
	t.Helper()
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		t.Fatal("DATABASE_URL is not set: these tests need PostgreSQL")
	}
	ctx := context.Background()
	pool, err := db.Open(ctx, url, 10)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	if _, err := pool.ExecContext(ctx, `DROP SCHEMA public CASCADE; CREATE SCHEMA public`); err != nil {
		t.Fatalf("reset schema: %v", err)
	}
	all, err := db.LoadMigrations(migrations.Files)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.MigrateUp(ctx, pool, all, 0); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return pool
}
