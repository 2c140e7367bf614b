"""The office server: accounts, the records store and the API behind a login (wanjia office)."""
