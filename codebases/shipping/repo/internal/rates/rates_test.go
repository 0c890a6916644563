package rates

import "testing"

func TestQuotesUseTheBillableWeightZoneAndServiceLevel(t *testing.T) {
	small := Parcel{Country: "DE", PostalCode: "10115", WeightGrams: 800, LengthCM: 20, WidthCM: 15, HeightCM: 10}
	q, err := For(small, "standard")
	if err != nil || q.Zone != "domestic" || q.BillableGrams != 800 || q.TotalCents != 449 {
		t.Fatalf("%+v %v", q, err)
	}
	bulky := Parcel{Country: "FR", PostalCode: "75001", WeightGrams: 500, LengthCM: 40, WidthCM: 30, HeightCM: 20}
	q, _ = For(bulky, "express")
	if q.BillableGrams != 4800 || q.Zone != "eu" || q.BaseCents != 1790*180/100 {
		t.Fatalf("%+v", q)
	}
	world := Parcel{Country: "US", PostalCode: "10001", WeightGrams: 1500, LengthCM: 130, WidthCM: 10, HeightCM: 10}
	q, _ = For(world, "standard")
	if q.TotalCents != 3390+2500+400 || len(q.Surcharges) != 2 {
		t.Fatalf("%+v", q)
	}
	island := Parcel{Country: "DE", PostalCode: "25980", WeightGrams: 100, LengthCM: 10, WidthCM: 10, HeightCM: 10}
	if q, _ = For(island, "standard"); q.TotalCents != 449+350 {
		t.Fatalf("%+v", q)
	}
	if _, err := For(Parcel{Country: "DE", WeightGrams: 40000, LengthCM: 1, WidthCM: 1, HeightCM: 1}, "standard"); err == nil {
		t.Fatal("over the limit quoted")
	}
	all, _ := All(small)
	if len(all) != 2 || all[0].ServiceLevel != "standard" {
		t.Fatalf("%+v", all)
	}
}
