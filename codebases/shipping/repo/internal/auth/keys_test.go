package auth

import "testing"

func TestKeysParseMatchAndAreUnique(t *testing.T) {
	key, prefix, hash := NewKey()
	got, err := ParseKey(key)
	if err != nil || got != prefix {
		t.Fatalf("ParseKey(%q) = %q, %v", key, got, err)
	}
	if !Matches(key, hash) || Matches(key+"0", hash) {
		t.Fatal("Matches")
	}
	other, _, _ := NewKey()
	if other == key {
		t.Fatal("two keys alike")
	}
	for _, bad := range []string{"", "shp_", "shp_zzzzzzzz_" + key[13:], "abc_" + key[4:], key + "0"} {
		if _, err := ParseKey(bad); err == nil {
			t.Fatalf("ParseKey(%q) accepted", bad)
		}
	}
}

func TestBearerToken(t *testing.T) {
	cases := map[string]string{"Bearer abc": "abc", "bearer  abc ": "abc", "Basic abc": "", "": "", "Bearer": ""}
	for header, want := range cases {
		if got := BearerToken(header); got != want {
			t.Fatalf("BearerToken(%q) = %q, want %q", header, got, want)
		}
	}
}
