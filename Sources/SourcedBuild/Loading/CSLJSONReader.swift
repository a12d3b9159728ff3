import SourcedCore
import Yams

/// Reads a CSL-JSON file (Zotero's "CSL JSON" export, Better CSL JSON, or Sourced's own
/// `references.json`): a list of items. JSON is YAML's flow style, so the file is composed by
/// Yams like the YAML files, and each field keeps its line for diagnostics.
enum CSLJSONReader {
    static func read(_ file: SourceFile) -> ([LocatedReference], [Diagnostic]) {
        var reader = YAMLReader(file: file.path, lineOffset: 0)
        guard let text = reader.text(of: file), let root = reader.compose(text) else { return ([], reader.diagnostics) }
        guard case .sequence(let items) = root else {
            reader.report(root, "a CSL-JSON file must hold a list of items ([{\"id\": …}, …])", rule: .invalidReference)
            return ([], reader.diagnostics)
        }
        var diagnostics: [Diagnostic] = []
        var references: [LocatedReference] = []
        for item in items {
            if let source = source(item, reader: &reader), let located = source.located(reporting: &diagnostics) {
                references.append(located)
            }
        }
        return (references, reader.diagnostics + diagnostics)
    }

    static func source(_ node: Node, reader: inout YAMLReader) -> ImportedSource? {
        guard case .mapping(let mapping) = node else {
            reader.report(node, "a CSL-JSON item must be an object", rule: .invalidReference)
            return nil
        }
        var f: [String: Node] = [:]
        for (key, value) in mapping { if case .scalar(let name) = key { f[name.string] = value } }
        guard let idNode = f["id"], let id = reader.string(idNode, "id") else {
            reader.report(node, "a CSL-JSON item has no id", rule: .invalidReference, hint: "give it an \"id\"")
            return nil
        }
        var source = ImportedSource(
            file: reader.file, position: reader.position(node),
            id: .init(value: id, position: reader.position(idNode)))
        func field(_ name: String) -> ImportedSource.Field? {
            guard let node = f[name], let value = reader.string(node, name) else { return nil }
            let text = value.trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? nil : .init(value: text, position: reader.position(node))
        }
        let type = field("type")?.value ?? "document"
        let genre = field("genre")?.value
        source.type = kind(type: type, genre: genre)
        source.title = field("title")
        source.authors = authors(f["author"], reader: &reader)
        source.container = type == "book" ? field("publisher") ?? field("container-title") : field("container-title")
        source.year = issued(f["issued"], reader: &reader)
        source.volume = field("volume")
        source.pages = field("page")
        source.doi = field("DOI")
        source.pmid = field("PMID")
        source.pmcid = field("PMCID")
        source.url = field("URL")
        return source
    }

    /// CSL's item type (and `genre`, which Sourced writes for guidelines and reviews) as a Sourced
    /// type; see the README's table.
    static func kind(type: String, genre: String?) -> Reference.Kind {
        let genre = genre?.lowercased() ?? ""
        if genre.contains("guideline") { return .guideline }
        if genre.contains("review") { return .review }
        switch type {
        case "article-journal", "article", "paper-conference", "article-magazine": return .research
        case "book", "chapter": return .book
        case "webpage", "post", "post-weblog": return .web
        case "report" where genre.contains("research"): return .research
        default: return .other
        }
    }

    static func authors(_ node: Node?, reader: inout YAMLReader) -> [String] {
        guard let node else { return [] }
        guard case .sequence(let names) = node else {
            reader.report(node, "'author' must be a list of names", rule: .invalidReference)
            return []
        }
        return names.compactMap { name in
            guard case .mapping(let mapping) = name else {
                reader.report(name, "an author must be an object with family and given names", rule: .invalidReference)
                return nil
            }
            var parts: [String: String] = [:]
            for (key, value) in mapping {
                if case .scalar(let k) = key, let v = reader.string(value, k.string) { parts[k.string] = v }
            }
            if let literal = parts["literal"] { return literal }
            guard let family = parts["family"] else {
                reader.report(name, "an author has neither a family name nor a literal one", rule: .invalidReference)
                return nil
            }
            let particle = parts["non-dropping-particle"].map { $0 + " " } ?? ""
            return ImportedSource.author(family: particle + family, given: parts["given"])
        }
    }

    /// The year of `issued`: `{"date-parts": [[2020, 3]]}`, or `{"raw": "2020-03"}` or
    /// `{"literal": …}`.
    static func issued(_ node: Node?, reader: inout YAMLReader) -> ImportedSource.Field? {
        guard let node else { return nil }
        let position = reader.position(node)
        if case .mapping(let mapping) = node {
            for (key, value) in mapping {
                guard case .scalar(let name) = key else { continue }
                switch name.string {
                case "date-parts":
                    if case .sequence(let dates) = value, let first = dates.first, case .sequence(let parts) = first,
                        let year = parts.first, case .scalar(let scalar) = year,
                        let y = ImportedSource.year(scalar.string)
                    {
                        return .init(value: y, position: position)
                    }
                case "raw", "literal":
                    if case .scalar(let scalar) = value, let y = ImportedSource.year(scalar.string) {
                        return .init(value: y, position: position)
                    }
                default: continue
                }
            }
        }
        reader.report(
            node, "'issued' holds no year", severity: .warning, rule: .invalidReference,
            hint: "write it as {\"date-parts\": [[2020]]}")
        return nil
    }
}
