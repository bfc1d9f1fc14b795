"""免申即享: policies paid without an application, from a payable list after a public notice."""
