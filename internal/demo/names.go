package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Name pools for demo customers: mostly Indian, some from elsewhere, as a
// delivery business in an Indian city would see.
var (
	firstNames = []string{
		"Aarav", "Aditi", "Akash", "Ananya", "Anil", "Anjali", "Arjun", "Asha", "Deepa", "Divya",
		"Farhan", "Gaurav", "Geeta", "Harish", "Ishaan", "Kavya", "Kiran", "Lakshmi", "Manoj", "Meera",
		"Mohan", "Nandini", "Neha", "Nikhil", "Pooja", "Pradeep", "Priya", "Rahul", "Rajesh", "Ramesh",
		"Ravi", "Rekha", "Rohan", "Sandeep", "Sanjay", "Shalini", "Shreya", "Sneha", "Suresh", "Swati",
		"Tanvi", "Uma", "Varun", "Vidya", "Vikram", "Yash", "Zoya", "Imran", "Fatima", "Joseph",
		"Mary", "Thomas", "Sarah", "David", "Emily", "Daniel", "Sofia", "Liam", "Chen", "Yuki",
		"Ahmed", "Layla", "Carlos", "Ana", "Olga", "Kwame",
	}
	lastNames = []string{
		"Rao", "Sharma", "Iyer", "Nair", "Reddy", "Patel", "Gupta", "Kumar", "Singh", "Menon",
		"Pillai", "Shetty", "Hegde", "Kulkarni", "Joshi", "Desai", "Mehta", "Verma", "Bose", "Chatterjee",
		"Das", "Banerjee", "Mukherjee", "Naidu", "Gowda", "Kamath", "Bhat", "Khan", "Sheikh", "Fernandes",
		"D'Souza", "Pereira", "Thomas", "George", "Mathew", "Varghese", "Agarwal", "Malhotra", "Kapoor", "Chopra",
		"Smith", "Garcia", "Wang", "Tanaka", "Hassan", "Silva", "Ivanova", "Mensah", "Müller", "Okafor",
	}
	streets = []string{
		"MG Road", "Brigade Road", "100 Feet Road", "CMH Road", "Residency Road", "Church Street",
		"Sarjapur Road", "Old Airport Road", "Bannerghatta Road", "Hosur Road", "Outer Ring Road",
		"11th Main", "4th Cross", "7th Block Main", "Temple Street", "Lake View Road",
	}
	areas = []struct{ name, pin string }{
		{"Indiranagar", "560038"}, {"Koramangala", "560034"}, {"HSR Layout", "560102"}, {"Jayanagar", "560041"},
		{"Whitefield", "560066"}, {"Malleshwaram", "560003"}, {"BTM Layout", "560076"}, {"JP Nagar", "560078"},
		{"Hebbal", "560024"}, {"Basavanagudi", "560004"}, {"Marathahalli", "560037"}, {"Electronic City", "560100"},
	}
	apartments = []string{"Prestige Lakeside", "Sobha Dew Flower", "Brigade Gardenia", "Purva Riviera", "Salarpuria Greenage", "Mantri Espana"}
)

func pick[T any](rnd *rand.Rand, xs []T) T { return xs[rnd.IntN(len(xs))] }

type person struct {
	name, phone, email, address string
}

func randomPerson(rnd *rand.Rand) person {
	first, last := pick(rnd, firstNames), pick(rnd, lastNames)
	p := person{name: first + " " + last}
	if rnd.IntN(10) < 9 {
		p.phone = fmt.Sprintf("+91 %d%04d %05d", 6+rnd.IntN(4), rnd.IntN(10000), rnd.IntN(100000))
	} else {
		p.phone = fmt.Sprintf("+%d %d %07d", pick(rnd, []int{1, 44, 65, 971}), 200+rnd.IntN(800), rnd.IntN(10000000))
	}
	if rnd.IntN(10) < 6 {
		local := strings.ToLower(strings.NewReplacer("'", "", "ü", "u").Replace(first + "." + last))
		if rnd.IntN(2) == 0 {
			local += fmt.Sprint(rnd.IntN(100))
		}
		p.email = local + "@" + pick(rnd, []string{"example.com", "example.in", "mail.example.org"})
	}
	area := pick(rnd, areas)
	if rnd.IntN(3) == 0 {
		p.address = fmt.Sprintf("Flat %d%02d, %s, %s, Bengaluru %s", 1+rnd.IntN(14), 1+rnd.IntN(12), pick(rnd, apartments), area.name, area.pin)
	} else {
		p.address = fmt.Sprintf("%d, %s, %s, Bengaluru %s", 1+rnd.IntN(400), pick(rnd, streets), area.name, area.pin)
	}
	return p
}
