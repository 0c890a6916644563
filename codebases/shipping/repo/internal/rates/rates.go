// Package rates quotes what shipping a parcel costs before a label is bought: a zone from the
// destination, a weight band from the billable weight (the larger of the actual and the
// volumetric weight), a service-level factor and surcharges. All money is in integer cents.
package rates

import (
	"fmt"
	"sort"
)

// Parcel is what a quote needs to know about a parcel.
type Parcel struct {
	Country     string
	PostalCode  string
	WeightGrams int
	LengthCM    int
	WidthCM     int
	HeightCM    int
}

// Quote is the price of one service level, with how it was reached.
type Quote struct {
	ServiceLevel   string      `json:"service_level"`
	Zone           string      `json:"zone"`
	BillableGrams  int         `json:"billable_grams"`
	BaseCents      int         `json:"base_cents"`
	Surcharges     []Surcharge `json:"surcharges"`
	TotalCents     int         `json:"total_cents"`
	TransitDaysMin int         `json:"transit_days_min"`
	TransitDaysMax int         `json:"transit_days_max"`
}

// Surcharge is an extra on top of the base price.
type Surcharge struct {
	Code  string `json:"code"`
	Cents int    `json:"cents"`
}

// VolumetricDivisor turns cm³ into grams of volumetric weight (5000 cm³ per kg).
const VolumetricDivisor = 5

var domestic = "DE"

var euCountries = map[string]bool{"AT": true, "BE": true, "BG": true, "CY": true, "CZ": true, "DK": true,
	"EE": true, "ES": true, "FI": true, "FR": true, "GR": true, "HR": true, "HU": true, "IE": true, "IT": true,
	"LT": true, "LU": true, "LV": true, "MT": true, "NL": true, "PL": true, "PT": true, "RO": true, "SE": true,
	"SI": true, "SK": true}

// band: up to MaxGrams costs Cents per zone
type band struct {
	MaxGrams int
	Cents    map[string]int
}

var bands = []band{
	{1000, map[string]int{"domestic": 449, "eu": 1190, "world": 1690}},
	{2000, map[string]int{"domestic": 549, "eu": 1390, "world": 2290}},
	{5000, map[string]int{"domestic": 699, "eu": 1790, "world": 3390}},
	{10000, map[string]int{"domestic": 999, "eu": 2390, "world": 4890}},
	{31500, map[string]int{"domestic": 1649, "eu": 3490, "world": 7890}},
}

var transit = map[string][2]int{"domestic": {1, 2}, "eu": {2, 5}, "world": {5, 12}}

// expressPercent is express's price as a percentage of standard's.
const expressPercent = 180

// Zone is the price zone of a destination.
func Zone(country string) string {
	switch {
	case country == domestic:
		return "domestic"
	case euCountries[country]:
		return "eu"
	}
	return "world"
}

// BillableGrams is the larger of the actual weight and the volumetric weight.
func BillableGrams(p Parcel) int {
	volumetric := p.LengthCM * p.WidthCM * p.HeightCM / VolumetricDivisor
	if volumetric > p.WeightGrams {
		return volumetric
	}
	return p.WeightGrams
}

// For quotes one service level ("standard" or "express").
func For(p Parcel, serviceLevel string) (Quote, error) {
	zone := Zone(p.Country)
	billable := BillableGrams(p)
	idx := sort.Search(len(bands), func(i int) bool { return bands[i].MaxGrams >= billable })
	if idx == len(bands) {
		return Quote{}, fmt.Errorf("billable weight %d g is over the carriers' limit", billable)
	}
	base := bands[idx].Cents[zone]
	days := transit[zone]
	switch serviceLevel {
	case "standard":
	case "express":
		base = base * expressPercent / 100
		days = [2]int{max(1, days[0]-1), max(1, days[1]/2)}
	default:
		return Quote{}, fmt.Errorf("unknown service level %q", serviceLevel)
	}
	q := Quote{ServiceLevel: serviceLevel, Zone: zone, BillableGrams: billable, BaseCents: base,
		Surcharges: surcharges(p, zone), TransitDaysMin: days[0], TransitDaysMax: days[1]}
	q.TotalCents = q.BaseCents
	for _, s := range q.Surcharges {
		q.TotalCents += s.Cents
	}
	return q, nil
}

// All quotes every service level, cheapest first.
func All(p Parcel) ([]Quote, error) {
	var out []Quote
	for _, level := range []string{"standard", "express"} {
		q, err := For(p, level)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].TotalCents < out[j].TotalCents })
	return out, nil
}

func surcharges(p Parcel, zone string) []Surcharge {
	out := []Surcharge{}
	longest := max(p.LengthCM, p.WidthCM, p.HeightCM)
	if longest > 120 {
		out = append(out, Surcharge{Code: "oversize", Cents: 2500})
	}
	if zone == "domestic" && isIsland(p.PostalCode) {
		out = append(out, Surcharge{Code: "island", Cents: 350})
	}
	if zone == "world" {
		out = append(out, Surcharge{Code: "customs_handling", Cents: 400})
	}
	return out
}

// isIsland: German North and Baltic Sea islands served by ferry (a few postal-code ranges).
func isIsland(postalCode string) bool {
	for _, prefix := range []string{"18565", "25845", "25846", "25847", "25849", "25859", "25863", "25869",
		"25938", "25946", "25980", "25992", "25996", "25997", "25999", "26465", "26474", "26486", "26548",
		"26571", "26579", "26757", "27498"} {
		if postalCode == prefix {
			return true
		}
	}
	return false
}
