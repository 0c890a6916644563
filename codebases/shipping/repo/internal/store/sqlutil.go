package store

import (
	"strconv"

	"github.com/lib/pq"
)

func itoa(n int) string { return strconv.Itoa(n) }

// int64Array passes a Go slice as a PostgreSQL bigint[] (for `= ANY($1)`).
func int64Array(ids []int64) any { return pq.Array(ids) }

// stringArray passes a Go slice as a PostgreSQL text[].
func stringArray(s []string) any { return pq.Array(s) }

// scanStrings reads a text[] column.
func scanStrings(dst *[]string) any { return pq.Array(dst) }
