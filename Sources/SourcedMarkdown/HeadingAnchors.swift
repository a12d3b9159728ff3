/// GitHub-style heading anchors: lower-cased, punctuation dropped, spaces to hyphens,
/// and `-1`, `-2`… appended to repeats within one page.
package struct HeadingAnchors: Sendable {
    private var taken: Set<String> = []
    private var lastSuffix: [String: Int] = [:]

    package init() {}

    package static func slug(_ text: String) -> String {
        // Most headings and tags are ASCII, where the rule below keeps letters (lower-cased),
        // digits, `-` and `_`: decided byte by byte, without Unicode property lookups (those
        // were 4% of parsing a page).
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return unicodeSlug(text) }
        var slug: [UInt8] = []
        slug.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): slug.append(byte + 0x20)
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"),
                UInt8(ascii: "_"):
                slug.append(byte)
            case UInt8(ascii: " "): slug.append(UInt8(ascii: "-"))
            default: break
            }
        }
        return String(decoding: slug, as: UTF8.self)
    }

    /// The rule for any text: lower-cased, spaces to hyphens, and only letters, numbers,
    /// combining marks, `-` and `_` kept.
    static func unicodeSlug(_ text: String) -> String {
        var slug = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar == " " {
                slug.append("-")
            } else if scalar == "-" || scalar == "_" || scalar.properties.isAlphabetic
                || scalar.properties.numericType != nil || scalar.properties.generalCategory == .nonspacingMark
            {
                slug.unicodeScalars.append(scalar)
            }
        }
        return slug
    }

    /// Whether a page already gives `id` to something that is not a heading: the engine's
    /// citation anchors (`cite-1`) and reference entries (`ref-KEY`), cmark-gfm's footnotes
    /// (`fn-…`, `fnref-…`) and the default theme's landmarks.
    package static func isReserved(_ id: String) -> Bool {
        if id.hasPrefix("ref-") || id.hasPrefix("fn-") || id.hasPrefix("fnref-") { return true }
        if id.hasPrefix("cite-"), id.count > 5, id.utf8.dropFirst(5).allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return true
        }
        return themeIDs.contains(id)
    }

    /// The ids `Templates/` gives a topic page's own elements.
    static let themeIDs: Set<String> = ["main", "references-heading", "search-input", "search-results"]

    /// The anchor for the next heading with this text. A slug the page uses for something
    /// else gets `section-` before it (`## Cite 1` → `section-cite-1`, not the citation's `cite-1`).
    package mutating func anchor(for text: String) -> String {
        let slug = Self.slug(text)
        let base = slug.isEmpty ? "section" : Self.isReserved(slug) ? "section-" + slug : slug
        var candidate = base
        var suffix = lastSuffix[base] ?? 0
        while taken.contains(candidate) {
            suffix += 1
            candidate = "\(base)-\(suffix)"
        }
        lastSuffix[base] = suffix
        taken.insert(candidate)
        return candidate
    }
}
