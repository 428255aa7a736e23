package domain

// Customer import limits: a file larger or longer than these is refused
// (CodeTooLarge) before anything is read into the database.
const (
	MaxImportBytes = 1 << 20 // 1 MiB of CSV
	MaxImportRows  = 5000    // customers (data rows) per file
)

// CodeImportInvalid refuses to apply an import whose file has errors (a
// row, a column, the header): nothing is written. The message names the
// first error's row and column; the preview lists them all.
const CodeImportInvalid = "IMPORT_INVALID"

// LedgerOpeningBalance is the ledger entry kind of a balance brought over
// from before Livedesk (an import's "opening balance" column): positive
// when the customer owed, negative when it was in credit. Its ref_id is the
// customer's id, so a customer has at most one. It moves the balance but is
// neither a delivery nor a payment: revenue and payment figures never count
// it, and statements show it as "brought forward".
const LedgerOpeningBalance = "opening_balance"

// Import row actions.
const (
	ImportCreate = "create" // a new customer (and its standing order, opening balance)
	ImportExists = "exists" // a customer of the vendor already has this phone: nothing is done
	ImportError  = "error"  // the row has errors: the import cannot be applied
)

// CustomerImportInput is a customers CSV to preview or, when Confirm, to
// apply. VendorID is the vendor of the rows that name none (admins; a
// vendor's rows are always its own).
type CustomerImportInput struct {
	CSV      []byte
	VendorID int64
	Confirm  bool
}

// ImportRowError is one problem of a row, naming its column.
type ImportRowError struct {
	Column  string `json:"column"`
	Message string `json:"message"`
}

// ImportRow is one data row of an import as understood: Row is its line in
// the file (the header is row 1).
type ImportRow struct {
	Row                 int              `json:"row"`
	Action              string           `json:"action"` // create | exists | error
	Name                string           `json:"name"`
	Phone               string           `json:"phone"`
	Email               string           `json:"email,omitempty"`
	Address             string           `json:"address"`
	Area                string           `json:"area,omitempty"`
	NewArea             bool             `json:"newArea,omitempty"` // the area will be created
	VendorID            int64            `json:"vendorId,omitempty"`
	VendorName          string           `json:"vendorName,omitempty"`
	OpeningBalanceCents int64            `json:"openingBalanceCents"`
	Product             string           `json:"product,omitempty"`
	ProductID           int64            `json:"productId,omitempty"`
	Quantity            int              `json:"quantity,omitempty"`
	Frequency           Frequency        `json:"frequency,omitempty"`
	Days                []string         `json:"days,omitempty"`
	Shift               Shift            `json:"shift,omitempty"`
	CustomerID          int64            `json:"customerId,omitempty"`     // the existing customer, or the one created
	SubscriptionID      int64            `json:"subscriptionId,omitempty"` // the standing order created
	Errors              []ImportRowError `json:"errors"`
}

// CustomerImport is the answer of an import: the preview (Applied false,
// nothing written) or the result (Applied true).
type CustomerImport struct {
	Applied             bool        `json:"applied"`
	ImportIDs           []int64     `json:"importIds"` // one import record per vendor, when applied
	FileSHA256          string      `json:"fileSha256"`
	Total               int         `json:"total"`
	Create              int         `json:"create"`
	Exists              int         `json:"exists"`
	Errors              int         `json:"errors"` // rows with errors
	Subscriptions       int         `json:"subscriptions"`
	OpeningBalanceCents int64       `json:"openingBalanceCents"` // sum over the rows to create
	NewAreas            []string    `json:"newAreas"`
	Rows                []ImportRow `json:"rows"`
}

// CustomerImported is the payload of a customers.imported event: one per
// vendor and applied import, instead of an event per customer.
type CustomerImported struct {
	ImportID            int64    `json:"importId"`
	VendorID            int64    `json:"vendorId"`
	Created             int      `json:"created"`
	Existing            int      `json:"existing"`
	Subscriptions       int      `json:"subscriptions"`
	OpeningBalanceCents int64    `json:"openingBalanceCents"`
	AreasCreated        []string `json:"areasCreated"`
	CustomerIDs         []int64  `json:"customerIds"`
}
