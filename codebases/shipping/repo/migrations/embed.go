// Package migrations holds the schema as numbered SQL files (NNNN_name.sql), applied in order
// by `shipping migrate up` and recorded in schema_migrations.
package migrations

import "embed"

// Files are the migrations, embedded in the binary.
//
//go:embed *.sql
var Files embed.FS
