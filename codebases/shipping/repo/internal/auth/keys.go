// Package auth issues and checks API keys and decides what each role may do.
//
// A key is "shp_<prefix>_<secret>": the prefix finds the row, the SHA-256 of the whole key is
// what is stored and compared (the key itself is shown once, when made).
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"strings"
)

const keyScheme = "shp"

// ErrMalformedKey is a key that is not shaped like one this service issues.
var ErrMalformedKey = errors.New("malformed API key")

// NewKey makes a key; it returns the key, its prefix and its hash.
func NewKey() (key, prefix, hash string) {
	prefix = randomHex(4)
	key = keyScheme + "_" + prefix + "_" + randomHex(20)
	return key, prefix, HashKey(key)
}

// HashKey is what is stored for a key.
func HashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// ParseKey returns a key's prefix.
func ParseKey(key string) (string, error) {
	parts := strings.Split(key, "_")
	if len(parts) != 3 || parts[0] != keyScheme || len(parts[1]) != 8 || len(parts[2]) != 40 {
		return "", ErrMalformedKey
	}
	if !isHex(parts[1]) || !isHex(parts[2]) {
		return "", ErrMalformedKey
	}
	return parts[1], nil
}

// Matches compares a presented key with a stored hash in constant time.
func Matches(key, storedHash string) bool {
	return subtle.ConstantTimeCompare([]byte(HashKey(key)), []byte(storedHash)) == 1
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	return hex.EncodeToString(b)
}

func isHex(s string) bool {
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}

// BearerToken is the token of an "Authorization: Bearer ..." header ("" when absent).
func BearerToken(header string) string {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}
