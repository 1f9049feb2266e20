/// Numbers as bake prints them. HCL numbers are arbitrary-precision (go-cty `cty.Number`, a
/// `big.Float`), and where a number becomes a string (`args`, a template) cty writes it in plain decimal
/// without exponent or trailing zeros (`big.Float.Text('f', -1)`): `1.50` → `1.5`, `1e3` → `1000`.
public enum BakeNumber {
    /// The string cty converts a decimal number literal to, or `nil` for text that is not one (or
    /// too large to write out with certainty).
    public static func canonical(_ text: String) -> String? {
        var bytes = Array(text.utf8)[...]
        var negative = false
        if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") {
            negative = bytes.first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var digits: [UInt8] = []
        var point: Int?
        var sawDigit = false
        while let byte = bytes.first, (byte >= 0x30 && byte <= 0x39) || byte == 0x2E {
            if byte == 0x2E {
                guard point == nil else { return nil }
                point = digits.count
            } else {
                digits.append(byte)
                sawDigit = true
            }
            bytes = bytes.dropFirst()
        }
        guard sawDigit else { return nil }
        var exponent = 0
        if let byte = bytes.first, byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            var exponentNegative = false
            if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") {
                exponentNegative = bytes.first == UInt8(ascii: "-")
                bytes = bytes.dropFirst()
            }
            guard !bytes.isEmpty, bytes.count <= 4, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            exponent = Int(String(decoding: bytes, as: UTF8.self))! * (exponentNegative ? -1 : 1)
            bytes = []
        }
        guard bytes.isEmpty else { return nil }
        // The value is 0.DIGITS × 10^pointPosition.
        var pointPosition = (point ?? digits.count) + exponent
        while let first = digits.first, first == 0x30 {
            digits.removeFirst()
            pointPosition -= 1
        }
        while let last = digits.last, last == 0x30 { digits.removeLast() }
        guard !digits.isEmpty else { return "0" }
        // Past these the 512-bit float cty keeps is no longer exact to the digit.
        guard digits.count <= 100, abs(pointPosition) <= 300 else { return nil }
        var result = negative ? "-" : ""
        let text = String(decoding: digits, as: UTF8.self)
        if pointPosition <= 0 {
            result += "0." + String(repeating: "0", count: -pointPosition) + text
        } else if pointPosition >= digits.count {
            result += text + String(repeating: "0", count: pointPosition - digits.count)
        } else {
            let index = text.index(text.startIndex, offsetBy: pointPosition)
            result += text[..<index] + "." + text[index...]
        }
        return result
    }

    /// The integer a canonical number is, when it is one that fits.
    static func integer(_ canonical: String) -> Int? { Int(canonical) }
}
