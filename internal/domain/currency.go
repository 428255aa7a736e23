package domain

import "strings"

// currencies are the ISO 4217 codes a business may keep its books in: the
// active codes whose minor unit is a hundredth (two decimals), because
// every amount is stored in hundredths (…Cents). Codes with no minor unit
// (JPY, KRW, VND, …) or with three (KWD, BHD, …) are left out: 100 stored
// "cents" would not be one of their units.
var currencies = map[string]bool{}

func init() {
	for _, c := range strings.Fields(`
		AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD
		CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP
		GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KYD KZT LAK LBP LKR LRD LSL
		MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN
		PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP
		SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES WST XCD XCG YER ZAR ZMW ZWG`) {
		currencies[c] = true
	}
}

// KnownCurrency reports whether code is an ISO 4217 code (upper case) of a
// currency with two decimals, which a business's amounts may be written in.
func KnownCurrency(code string) bool { return currencies[code] }

// MaxBusinessNameRunes bounds the business name (settings businessName).
const MaxBusinessNameRunes = 100
