"""惠企政策精准推送: match enterprise profiles against support policies encoded as rules."""
