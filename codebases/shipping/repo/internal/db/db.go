// Package db opens the PostgreSQL pool and runs work in transactions.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	_ "github.com/lib/pq" // the PostgreSQL driver, registered as "postgres"
)

// Queryer is what both *sql.DB and *sql.Tx offer: repositories take either.
type Queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// DSN turns DATABASE_URL into what lib/pq accepts: SQLAlchemy-style driver suffixes
// ("postgresql+psycopg://") are dropped and sslmode defaults to disable.
func DSN(url string) string {
	if i := strings.Index(url, "://"); i > 0 {
		scheme := url[:i]
		if j := strings.Index(scheme, "+"); j > 0 {
			url = scheme[:j] + url[i:]
		}
	}
	if !strings.Contains(url, "sslmode=") {
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		url += sep + "sslmode=disable"
	}
	return url
}

// Open connects the pool and checks that the database answers.
func Open(ctx context.Context, url string, maxOpen int) (*sql.DB, error) {
	pool, err := sql.Open("postgres", DSN(url))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	pool.SetMaxOpenConns(maxOpen)
	pool.SetMaxIdleConns(maxOpen)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return pool, nil
}

// InTx runs fn in a transaction: committed when fn returns nil, rolled back otherwise.
func InTx(ctx context.Context, pool *sql.DB, fn func(tx *sql.Tx) error) error {
	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return fmt.Errorf("%w (rollback: %v)", err, rbErr)
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// IsUniqueViolation says whether err is PostgreSQL's unique_violation (23505).
func IsUniqueViolation(err error) bool {
	return hasCode(err, "23505")
}

// IsForeignKeyViolation says whether err is PostgreSQL's foreign_key_violation (23503).
func IsForeignKeyViolation(err error) bool {
	return hasCode(err, "23503")
}

func hasCode(err error, code string) bool {
	type coded interface{ SQLState() string }
	var c coded
	if errors.As(err, &c) {
		return c.SQLState() == code
	}
	return false
}
