package httpx

import (
	"net/http/httptest"
	"testing"
)

func TestCursorsRoundTripAndRejectForgeries(t *testing.T) {
	id, ok := DecodeCursor(EncodeCursor(4711))
	if !ok || id != 4711 {
		t.Fatalf("round trip: %d %v", id, ok)
	}
	for _, bad := range []string{"", "4711", "aWQ6", "aWQ6LTE", "!!"} {
		if _, ok := DecodeCursor(bad); ok {
			t.Errorf("DecodeCursor(%q) accepted", bad)
		}
	}
}

func TestMakePageTrimsTheExtraRow(t *testing.T) {
	page := MakePage([]int64{9, 8, 7, 6}, 3, func(v int64) int64 { return v })
	if len(page.Data) != 3 || page.NextCursor == nil {
		t.Fatalf("%+v", page)
	}
	if id, _ := DecodeCursor(*page.NextCursor); id != 7 {
		t.Fatalf("cursor at %d", id)
	}
	last := MakePage([]int64{2, 1}, 3, func(v int64) int64 { return v })
	if last.NextCursor != nil || len(last.Data) != 2 {
		t.Fatalf("%+v", last)
	}
	empty := MakePage[int64](nil, 3, func(v int64) int64 { return v })
	if empty.Data == nil {
		t.Fatal("an empty page must encode as []")
	}
}

func TestParsePage(t *testing.T) {
	p, err := ParsePage(httptest.NewRequest("GET", "/?limit=5&cursor="+EncodeCursor(10), nil), 20, 100)
	if err != nil || p.Limit != 5 || p.After != 10 {
		t.Fatalf("%+v %v", p, err)
	}
	for _, q := range []string{"limit=0", "limit=101", "limit=x", "cursor=zzz"} {
		if _, err := ParsePage(httptest.NewRequest("GET", "/?"+q, nil), 20, 100); err == nil {
			t.Errorf("%s accepted", q)
		}
	}
}
