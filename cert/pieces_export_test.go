package cert

// SetPiecesForceBig makes pieces claims check with math/big only (for cross-checks in
// package cert_test).
func SetPiecesForceBig(b bool) { piecesForceBig = b }
