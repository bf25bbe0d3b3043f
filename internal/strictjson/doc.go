// Package strictjson reads JSON so that a document has one reading: the one every other
// JSON tool (jq, Python's json module, a schema validator) also sees.
//
// encoding/json is lenient where readings can differ: it matches object keys to struct
// fields without regard to case ("LABELS" fills Labels), keeps the last of duplicate keys,
// reads null as "leave the zero value" (a null in a list of integers becomes 0), and
// replaces invalid UTF-8 and lone surrogate escapes with U+FFFD. This package refuses all
// of them before encoding/json sees the document:
//
//   - every object key must equal a field's json name exactly (or be a key of a map);
//   - no object may repeat a key (compared after unescaping, so "k" and "\u006b" are one key);
//   - null is refused everywhere;
//   - a value must have the JSON type its Go type needs (an integer field takes an integer
//     literal within range: no fraction, no exponent);
//   - strings must be valid UTF-8 with no lone surrogates and at most MaxString bytes long;
//     nesting is at most MaxDepth; nothing but white space may follow the value.
//
// A document that passes is then decoded by encoding/json, so the two readers must agree
// (FuzzUnmarshal checks that they do). Every error is an *Error with the JSON path of the
// offending value ("dataset.labels[3]", "claims[0]") and its line and column. Budgets cap
// the elements of arrays of given types while the document is read.
//
// Read validates while it reads from an io.Reader with a byte limit, so that an input that
// is not JSON (/dev/zero, a binary file) is refused at its first bad byte and an input that
// is too large is refused without being held in memory beyond the limit.
//
// json.RawMessage and interface values are checked for syntax, duplicates and null only;
// decode them with Unmarshal against their own type when their type is known.
//
// The package imports the standard library only. It is part of the trusted kernel (cert
// reads every certificate through it) and is shared with other readers of strict JSON
// files (the audit's claims file): Unmarshal(data, &v) is the whole API most need.
package strictjson
