import SourcedCore
import Yams

/// Decodes one source entry, from a page's `references` or from `bibliography.yaml`.
enum ReferenceDecoder {
    static let fields = [
        "id", "type", "title", "authors", "container", "year", "volume", "pages", "doi", "pmid", "pmcid", "url",
        "status", "status_date", "status_note", "notice_url", "superseded_by",
    ]

    static func decodeList(_ node: Node?, reader: inout YAMLReader) -> [LocatedReference] {
        guard let node else { return [] }
        guard case .sequence(let sequence) = node else {
            reader.report(node, "'references' must be a list of sources")
            return []
        }
        return sequence.compactMap { decode($0, reader: &reader) }
    }

    static func decode(_ node: Node, reader: inout YAMLReader) -> LocatedReference? {
        guard let f = reader.mapping(node, "a reference", allowed: fields) else { return nil }
        guard let id = reader.requiredString(f, "id", in: "a reference", at: node) else { return nil }
        if !isValidKey(id) {
            reader.report(f["id"]!, "reference id '\(id)' may hold only letters, digits and _ : . - /")
        }
        let title = reader.string(f["title"], "title")
        if title?.isEmpty ?? true {
            reader.report(
                f["title"] ?? node, "reference '\(id)' has no title", rule: .invalidReference,
                hint: "add a 'title:' to the entry")
        }
        var reference = Reference(
            id: id,
            type: reader.choice(f["type"], "reference type", as: Reference.Kind.self) ?? .other,
            title: title ?? "",
            authors: reader.stringList(f["authors"], "authors"),
            container: reader.string(f["container"], "container"),
            year: reader.string(f["year"], "year"),
            volume: reader.string(f["volume"], "volume"),
            pages: reader.string(f["pages"], "pages"),
            doi: reader.string(f["doi"], "doi").map(Identifier.doi.normalised),
            pmid: reader.string(f["pmid"], "pmid").map(Identifier.pmid.normalised),
            pmcid: reader.string(f["pmcid"], "pmcid").map(Identifier.pmcid.normalised),
            url: reader.string(f["url"], "url"))
        validateIdentifiers(&reference, f, reader: &reader)
        reference.status = status(f, id: id, reader: &reader)
        return LocatedReference(reference: reference, file: reader.file, position: reader.position(node))
    }

    /// `status:` and the fields that go with it; nil for a current source. A field given without
    /// a status that it belongs to is reported, so a typo never hides a retraction.
    private static func status(_ f: [String: Node], id: String, reader: inout YAMLReader) -> SourceStatus? {
        let given = f["status"].flatMap { node -> SourceStatus.Kind? in
            guard let text = reader.string(node, "status") else { return nil }
            guard let kind = SourceStatus.Kind(rawValue: text) else {
                reader.report(
                    node, "reference '\(id)' has an unknown status '\(text)'", rule: .invalidReference,
                    hint: "use one of: \(SourceStatus.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
                return nil
            }
            return kind
        }
        let date = reader.day(f["status_date"], "status_date")
        let note = reader.string(f["status_note"], "status_note")
        var notice = reader.string(f["notice_url"], "notice_url")
        if let url = notice, !isValidWebURL(url) {
            reader.report(
                f["notice_url"]!, "reference '\(id)' has a notice_url that is not http or https: '\(url)'",
                rule: .invalidReference)
            notice = nil
        }
        var replacement = reader.string(f["superseded_by"], "superseded_by")
        if let key = replacement, !isValidKey(key) || key == id {
            reader.report(
                f["superseded_by"]!,
                key == id
                    ? "reference '\(id)' cannot be superseded by itself"
                    : "'superseded_by' must be the key of a source, not '\(key)'",
                rule: .invalidReference)
            replacement = nil
        }
        // `superseded_by` alone says the status.
        let kind = given ?? (replacement != nil ? .superseded : nil)
        if let replacement, let given, given != .superseded {
            reader.report(
                f["superseded_by"]!,
                "reference '\(id)' names a replacement ('\(replacement)') but its status is '\(given.rawValue)'",
                rule: .invalidReference, hint: "use status: superseded, or remove superseded_by")
        }
        guard let kind, kind != .current else {
            for field in ["status_date", "status_note", "notice_url"] where f[field] != nil && f["status"] == nil {
                reader.report(
                    f[field]!, "reference '\(id)' has '\(field)' but no 'status'", rule: .invalidReference,
                    hint: "add status: retracted, corrected, superseded or expression-of-concern")
            }
            return nil
        }
        return SourceStatus(kind: kind, date: date, note: note, noticeURL: notice, supersededBy: replacement)
    }

    /// The identifier fields, checked alike by every reader of sources (`bibliography.yaml`, a
    /// page's `references`, BibTeX, CSL-JSON): each is normalised, then dropped with a diagnostic
    /// when malformed, so no broken DOI or URL is published.
    enum Identifier: CaseIterable {
        case doi, pmid, pmcid, url

        var field: String {
            switch self {
            case .doi: "doi"
            case .pmid: "pmid"
            case .pmcid: "pmcid"
            case .url: "url"
            }
        }

        func normalised(_ text: String) -> String {
            switch self {
            case .doi: normalisedDOI(text)
            case .pmid: normalisedPMID(text)
            case .pmcid: normalisedPMCID(text)
            case .url: text
            }
        }

        /// What is wrong with a normalised `value` of source `id`; nil when it is well formed.
        func problem(id: String, value: String) -> (message: String, hint: String?)? {
            switch self {
            case .doi:
                isValidDOI(value)
                    ? nil
                    : (
                        "reference '\(id)' has a malformed DOI '\(value)'",
                        "a DOI looks like 10.1234/abc (https://doi.org/ or doi: before it is fine)"
                    )
            case .pmid:
                isValidPMID(value)
                    ? nil : ("reference '\(id)' has a malformed PMID '\(value)'", "a PMID is digits only")
            case .pmcid:
                isValidPMCID(value)
                    ? nil
                    : (
                        "reference '\(id)' has a malformed PMCID '\(value)'",
                        "a PMCID is PMC and digits, such as PMC1234567"
                    )
            case .url:
                isValidWebURL(value) ? nil : ("reference '\(id)' has a URL that is not http or https: '\(value)'", nil)
            }
        }
    }

    private static func validateIdentifiers(_ r: inout Reference, _ f: [String: Node], reader: inout YAMLReader) {
        for identifier in Identifier.allCases {
            let value: String? =
                switch identifier {
                case .doi: r.doi
                case .pmid: r.pmid
                case .pmcid: r.pmcid
                case .url: r.url
                }
            guard let value, let node = f[identifier.field],
                let problem = identifier.problem(id: r.id, value: value)
            else { continue }
            reader.report(node, problem.message, rule: .invalidReference, hint: problem.hint)
            switch identifier {
            case .doi: r.doi = nil
            case .pmid: r.pmid = nil
            case .pmcid: r.pmcid = nil
            case .url: r.url = nil
            }
        }
    }

    /// A DOI as written without a resolver or `doi:` prefix (`https://doi.org/10.1/x`,
    /// `http://dx.doi.org/10.1/x`, `doi:10.1/x` and `DOI: 10.1/x` are all `10.1/x`); its case
    /// is kept, as DOIs compare without it.
    static func normalisedDOI(_ text: String) -> String {
        // Most are written bare: `10.` first and no space at the end.
        if text.utf8.starts(with: "10.".utf8), text.utf8.last != UInt8(ascii: " ") { return text }
        var doi = Substring(text.trimmingCharacters(in: .whitespaces))
        for prefix in ["https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"] {
            if doi.lowercased().hasPrefix(prefix) {
                doi = doi.dropFirst(prefix.count).drop(while: { $0 == " " })
                break
            }
        }
        return String(doi)
    }

    /// `PMID: 123` and `pmid:123` are `123`.
    static func normalisedPMID(_ text: String) -> String {
        if isValidPMID(text) { return text }
        var pmid = Substring(text.trimmingCharacters(in: .whitespaces))
        if pmid.lowercased().hasPrefix("pmid:") { pmid = pmid.dropFirst(5).drop(while: { $0 == " " }) }
        return String(pmid)
    }

    /// `pmc123`, `PMCID: PMC123` and `123` are `PMC123`.
    static func normalisedPMCID(_ text: String) -> String {
        if isValidPMCID(text) { return text }
        var id = Substring(text.trimmingCharacters(in: .whitespaces))
        if id.lowercased().hasPrefix("pmcid:") { id = id.dropFirst(6).drop(while: { $0 == " " }) }
        if id.lowercased().hasPrefix("pmc") { id = id.dropFirst(3) }
        return "PMC" + id
    }

    static func isValidPMCID(_ pmcid: String) -> Bool {
        pmcid.hasPrefix("PMC") && pmcid.count > 3 && pmcid.utf8.dropFirst(3).allSatisfy(isASCIIDigit)
    }

    // The identifiers below are nearly always ASCII. Each rule is decided byte by byte for
    // ASCII text, and by `Character`s otherwise, with the same result: the Character versions
    // were 4% of parsing a page, mostly Unicode property lookups.

    static func isValidKey(_ key: String) -> Bool {
        guard !key.isEmpty else { return false }
        var ascii = true
        for byte in key.utf8 {
            if byte >= 0x80 {
                ascii = false
            } else if !(isASCIILetter(byte) || isASCIIDigit(byte) || "_:.-/".utf8.contains(byte)) {
                return false
            }
        }
        return ascii
            || key.unicodeScalars.allSatisfy {
                $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_:.-/".unicodeScalars.contains($0)
            }
    }

    /// `10.NNNN/suffix`: a registrant code of four or more digits (dot-separated parts
    /// allowed) and a non-empty suffix without whitespace.
    static func isValidDOI(_ doi: String) -> Bool {
        guard doi.utf8.allSatisfy({ $0 < 0x80 }) else { return isValidDOI(characters: doi) }
        let bytes = Array(doi.utf8)
        guard bytes.starts(with: "10.".utf8), let slash = bytes.firstIndex(of: UInt8(ascii: "/")) else {
            return false
        }
        let parts = bytes[3..<slash].split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return parts.first.map { $0.count >= 4 } == true
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(isASCIIDigit) }
            && slash + 1 < bytes.count && !bytes[(slash + 1)...].contains(where: isASCIIWhitespace)
    }

    static func isValidDOI(characters doi: String) -> Bool {
        guard doi.hasPrefix("10."), let slash = doi.firstIndex(of: "/") else { return false }
        let registrant = doi[doi.index(doi.startIndex, offsetBy: 3)..<slash]
        let suffix = doi[doi.index(after: slash)...]
        let parts = registrant.split(separator: ".", omittingEmptySubsequences: false)
        return parts.first.map { $0.count >= 4 } == true
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }
            && !suffix.isEmpty && !suffix.contains(where: \.isWhitespace)
    }

    static func isValidPMID(_ pmid: String) -> Bool {
        !pmid.isEmpty && pmid.utf8.allSatisfy(isASCIIDigit)
    }

    static func isValidWebURL(_ url: String) -> Bool {
        guard url.utf8.allSatisfy({ $0 < 0x80 }) else { return isValidWebURL(characters: url) }
        let bytes = url.utf8
        for scheme in ["http://", "https://"]
        where bytes.count > scheme.utf8.count
            && zip(bytes, scheme.utf8).allSatisfy({ (isASCIILetter($0) ? $0 | 0x20 : $0) == $1 })
        {
            return !bytes.contains(where: isASCIIWhitespace)
        }
        return false
    }

    static func isValidWebURL(characters url: String) -> Bool {
        let lower = url.lowercased()
        for scheme in ["http://", "https://"] where lower.hasPrefix(scheme) {
            return url.count > scheme.count && !url.contains(where: \.isWhitespace)
        }
        return false
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }

    private static func isASCIIDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// The ASCII characters `Character.isWhitespace` holds to be whitespace.
    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || (0x09...0x0D).contains(byte)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
