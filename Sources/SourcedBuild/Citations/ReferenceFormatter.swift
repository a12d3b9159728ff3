import SourcedCore

/// Formats a source Vancouver-style as escaped HTML: authors, title, container, year;volume:pages.
enum ReferenceFormatter {
    static func html(_ r: Reference) -> String {
        var parts: [String] = []
        if !r.authors.isEmpty {
            let shown = r.authors.count > 6 ? r.authors.prefix(6) + ["et al"] : r.authors[...]
            parts.append(sentence(shown.joined(separator: ", ")).htmlEscaped)
        }
        parts.append("<span class=\"reference-title\">\(sentence(r.title).htmlEscaped)</span>")
        if let container = r.container {
            parts.append("<i>\(sentence(container).htmlEscaped)</i>")
        }
        var issue = r.year ?? ""
        if let volume = r.volume { issue += ";\(volume)" }
        if let pages = r.pages { issue += ":\(pages)" }
        if !issue.isEmpty { parts.append(sentence(issue).htmlEscaped) }
        return parts.joined(separator: " ")
    }

    private static func sentence(_ text: String) -> String {
        guard let last = text.last else { return text }
        return ".?!".contains(last) ? text : text + "."
    }

    static func doiURL(_ doi: String?) -> String? {
        doi.map { "https://doi.org/\($0)" }
    }

    static func pubmedURL(_ pmid: String?) -> String? {
        pmid.map { "https://pubmed.ncbi.nlm.nih.gov/\($0)/" }
    }

    static func pmcURL(_ pmcid: String?) -> String? {
        pmcid.map { "https://pmc.ncbi.nlm.nih.gov/articles/\($0)/" }
    }
}
