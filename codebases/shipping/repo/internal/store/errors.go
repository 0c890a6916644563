// Package store is the SQL behind the service: one file per table, every query scoped to a
// tenant where the table has one.
package store

import (
	"database/sql"
	"errors"
)

// ErrNotFound is a row that does not exist (or belongs to another tenant).
var ErrNotFound = errors.New("not found")

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
