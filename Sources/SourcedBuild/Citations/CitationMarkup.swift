import SourcedCore
import SourcedMarkdown

/// The HTML of one citation group (SPEC §7): `<sup class="citation">` with one link per source.
enum CitationMarkup {
    /// A source a citation group cites: its number on the page, its key, and the locator.
    struct Numbered: Sendable, Equatable {
        var number: Int
        var key: String
        var locator: String?
    }

    /// Anchor id of a citation group, for the reference list's back-links.
    static func groupAnchor(_ index: Int) -> String { "cite-\(index + 1)" }

    static func html(for group: CitationGroup, index: Int, citations: PageCitations) -> String {
        let (numbered, unknown) = numbered(group, citations: citations)
        return html(numbered, unknown: unknown, index: index)
    }

    /// The group's sources by number (each number and locator once), and whether it cites a key
    /// the page has no source for.
    static func numbered(_ group: CitationGroup, citations: PageCitations) -> (items: [Numbered], unknown: Bool) {
        var numbered: [Numbered] = []
        var unknown = false
        for item in group.items {
            if let number = citations.numberOfKey[item.key] {
                if !numbered.contains(where: { $0.number == number && $0.locator == item.locator }) {
                    numbered.append(Numbered(number: number, key: item.key, locator: item.locator))
                }
            } else {
                unknown = true
            }
        }
        numbered.sort { $0.number < $1.number }
        return (numbered, unknown)
    }

    /// The markup of group `index` citing `numbered` (sorted by number).
    static func html(_ numbered: [Numbered], unknown: Bool, index: Int) -> String {
        var out = "<span class=\"citation-anchor\" id=\"\(groupAnchor(index))\"></span><sup class=\"citation\">"
        var parts: [String] = []
        for run in runs(numbered) {
            if run.count >= 3 {
                // A run collapses to "first–last"; the sources in between keep an (empty)
                // link each, so every cited source is still linked from the text.
                let first = run.first!, last = run.last!
                let middle = run.dropFirst().dropLast().map {
                    "<a href=\"#ref-\($0.key.htmlEscaped)\" class=\"citation-in-range\" aria-hidden=\"true\"></a>"
                }.joined()
                parts.append("\(link(first.key, first.number))–\(middle)\(link(last.key, last.number))")
            } else {
                parts += run.map { link($0.key, $0.number) + locatorHTML($0.locator) }
            }
        }
        if unknown { parts.append("<span class=\"citation-unknown\" title=\"unknown source\">?</span>") }
        out += parts.joined(separator: ", ")
        return out + "</sup>"
    }

    private static func link(_ key: String, _ number: Int) -> String {
        "<a href=\"#ref-\(key.htmlEscaped)\">\(number)</a>"
    }

    private static func locatorHTML(_ locator: String?) -> String {
        guard let locator else { return "" }
        return "<span class=\"citation-locator\">(\(locator.htmlEscaped))</span>"
    }

    /// Splits numbers into runs of consecutive values; an item with a locator stands alone.
    static func runs(_ items: [Numbered]) -> [[Numbered]] {
        var result: [[Numbered]] = []
        for item in items {
            if var last = result.last, let previous = last.last, previous.locator == nil, item.locator == nil,
                item.number == previous.number + 1
            {
                last.append(item)
                result[result.count - 1] = last
            } else {
                result.append([item])
            }
        }
        return result
    }
}
