module warm

go 1.24
