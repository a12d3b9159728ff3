import Foundation
import SourcedCore

/// "Cite this page": a topic page's own citation, built from the site's title, the page's
/// title, its reviewers, its last update (else its last review) and its URL, as a formatted
/// line and as CSL-JSON and BibTeX files to download (data URLs: no file per page to write).
struct PageCitationView: Encodable, Sendable {
    /// `Reviewers. Title. Site. Updated 2026-12-04. URL`
    var text: String
    var fileName: String
    var cslHref: String
    var bibtexHref: String

    init(title: String, siteTitle: String, reviewers: [String], day: Day?, url: String, key: String) {
        var parts: [String] = []
        if !reviewers.isEmpty { parts.append(reviewers.joined(separator: ", ")) }
        parts.append(title)
        parts.append(siteTitle)
        if let day { parts.append("Updated \(day)") }
        text = parts.map { $0.hasSuffix(".") ? $0 : $0 + "." }.joined(separator: " ") + " " + url
        fileName = key
        cslHref = Self.dataURL(
            "application/vnd.citationstyles.csl+json", Self.csl(title, siteTitle, reviewers, day, url, key))
        bibtexHref = Self.dataURL("application/x-bibtex", Self.bibtex(title, siteTitle, reviewers, day, url, key))
    }

    static func dataURL(_ type: String, _ text: String) -> String {
        // Every byte outside the unreserved set is percent-encoded, so the URL holds no quote,
        // space, `<` or `#` of the text.
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return "data:\(type);charset=utf-8," + (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
    }

    static func csl(_ title: String, _ site: String, _ reviewers: [String], _ day: Day?, _ url: String, _ key: String)
        -> String
    {
        var json = JSONWriter(escapesMarkup: false)
        json.array([0]) { json, _ in
            json.object([
                ("URL", { $0.string(url) }),
                ("author", { $0.array(reviewers) { json, name in json.object([("literal", { $0.string(name) })]) } }),
                ("container-title", { $0.string(site) }),
                ("id", { $0.string(key) }),
                (
                    "issued",
                    day.map { d in { $0.raw("{\"date-parts\":[[\(d.year),\(d.month),\(d.day)]]}") } }
                ),
                ("title", { $0.string(title) }),
                ("type", { $0.string("webpage") }),
            ])
        }
        return String(decoding: json.bytes, as: UTF8.self)
    }

    static func bibtex(
        _ title: String, _ site: String, _ reviewers: [String], _ day: Day?, _ url: String, _ key: String
    )
        -> String
    {
        var fields = [("title", escaped(title)), ("organization", escaped(site))]
        if !reviewers.isEmpty {
            // Each reviewer (often a board) in braces, so BibTeX does not split it into names.
            fields.append(("author", reviewers.map { "{\(escaped($0))}" }.joined(separator: " and ")))
        }
        if let day {
            fields.append(("date", "\(day)"))
            fields.append(("year", "\(day.year)"))
        }
        fields.append(("url", url))
        let body = fields.map { "  \($0.0) = {\($0.1)}" }.joined(separator: ",\n")
        return "@online{\(key),\n\(body)\n}\n"
    }

    /// Text as a BibTeX value: braces, backslashes and LaTeX's special characters escaped.
    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\textbackslash{}"
            case "{", "}", "%", "&", "#", "$", "_": out += "\\" + String(character)
            case "~": out += "\\textasciitilde{}"
            case "^": out += "\\textasciicircum{}"
            default: out.append(character)
            }
        }
        return out
    }
}
