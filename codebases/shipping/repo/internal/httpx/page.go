package httpx

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
)

// PageParams are a listing's limit and keyset cursor (the last id of the previous page).
type PageParams struct {
	Limit int
	After int64
}

// ParsePage reads ?limit= and ?cursor=; limit defaults to def and must be 1..max.
func ParsePage(r *http.Request, def, max int) (PageParams, error) {
	p := PageParams{Limit: def}
	if raw := r.URL.Query().Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > max {
			return p, Invalid("limit", "must be an integer from 1 to "+strconv.Itoa(max))
		}
		p.Limit = n
	}
	if raw := r.URL.Query().Get("cursor"); raw != "" {
		id, ok := DecodeCursor(raw)
		if !ok {
			return p, Invalid("cursor", "not a cursor this API gave")
		}
		p.After = id
	}
	return p, nil
}

// EncodeCursor makes an opaque cursor from the last id of a page.
func EncodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("id:" + strconv.FormatInt(id, 10)))
}

// DecodeCursor reads a cursor EncodeCursor made.
func DecodeCursor(cursor string) (int64, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return 0, false
	}
	num, ok := strings.CutPrefix(string(raw), "id:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(num, 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}

// PathID reads a positive integer path value ({id}); anything else is a 404.
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, ErrNotFound
	}
	return id, nil
}

// Page is a listing's body: its items and the cursor of the next page (nil at the end).
type Page[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

// MakePage trims rows fetched with limit+1 to a page and sets the next cursor from the last id.
func MakePage[T any](rows []T, limit int, id func(T) int64) Page[T] {
	page := Page[T]{Data: rows}
	if page.Data == nil {
		page.Data = []T{}
	}
	if len(rows) > limit {
		page.Data = rows[:limit]
		c := EncodeCursor(id(page.Data[limit-1]))
		page.NextCursor = &c
	}
	return page
}
