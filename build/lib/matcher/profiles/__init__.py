"""Enterprise profiles: the facts rules are checked against, and facts derived from them."""
