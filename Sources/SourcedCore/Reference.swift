/// A source a page may cite: from its own `references` or from the shared bibliography.
///
/// Its fields are held once, in an immutable box: a source is copied into its page's
/// citations, the reference index and the views of every page that cites it, and a copy of
/// eleven fields retained each of their strings (6% of a build's user time after one edit).
/// Changing a field makes a new box. Worker replies and the cache use its wire form
/// (`Wire/SourcedCore+Wire.swift`).
package struct Reference: Sendable, Equatable, Hashable, Encodable {
    package enum Kind: String, Sendable, Encodable, CaseIterable {
        case guideline, research, review, book, web, other

        /// What a reference entry says the source is; nil for `other`.
        package var label: String? {
            switch self {
            case .guideline: "Guideline"
            case .research: "Research"
            case .review: "Review"
            case .book: "Book"
            case .web: "Web page"
            case .other: nil
            }
        }
    }

    /// The fields themselves.
    private struct Fields: Sendable, Hashable, Encodable {
        var id: String
        var type: Kind
        var title: String
        var authors: [String]
        var container: String?
        var year: String?
        var volume: String?
        var pages: String?
        var doi: String?
        var pmid: String?
        /// `PMC1234567`: the paper in PubMed Central.
        var pmcid: String?
        var url: String?
        /// Nil for a current source, so that the JSON form (and every fingerprint) of one is
        /// what it was before sources had a status.
        var status: SourceStatus?
    }

    private final class Box: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var box: Box

    private var fields: Fields {
        get { box.fields }
        set { box = Box(newValue) }
    }

    package var id: String {
        get { box.fields.id }
        set { fields.id = newValue }
    }
    package var type: Kind {
        get { box.fields.type }
        set { fields.type = newValue }
    }
    package var title: String {
        get { box.fields.title }
        set { fields.title = newValue }
    }
    package var authors: [String] {
        get { box.fields.authors }
        set { fields.authors = newValue }
    }
    package var container: String? {
        get { box.fields.container }
        set { fields.container = newValue }
    }
    package var year: String? {
        get { box.fields.year }
        set { fields.year = newValue }
    }
    package var volume: String? {
        get { box.fields.volume }
        set { fields.volume = newValue }
    }
    package var pages: String? {
        get { box.fields.pages }
        set { fields.pages = newValue }
    }
    package var doi: String? {
        get { box.fields.doi }
        set { fields.doi = newValue }
    }
    package var pmid: String? {
        get { box.fields.pmid }
        set { fields.pmid = newValue }
    }
    package var pmcid: String? {
        get { box.fields.pmcid }
        set { fields.pmcid = newValue }
    }
    package var url: String? {
        get { box.fields.url }
        set { fields.url = newValue }
    }
    /// Whether nothing has happened to the source: asked of every source a check meets, and
    /// cheaper than copying its status out to compare with nil.
    package var isCurrent: Bool {
        if case .none = box.fields.status { return true }
        return false
    }

    /// Nil for a current source.
    package var status: SourceStatus? {
        get { box.fields.status }
        set { fields.status = newValue?.kind == .current ? nil : newValue }
    }

    package init(
        id: String, type: Kind = .other, title: String, authors: [String] = [], container: String? = nil,
        year: String? = nil, volume: String? = nil, pages: String? = nil, doi: String? = nil,
        pmid: String? = nil, pmcid: String? = nil, url: String? = nil, status: SourceStatus? = nil
    ) {
        box = Box(
            Fields(
                id: id, type: type, title: title, authors: authors, container: container, year: year, volume: volume,
                pages: pages, doi: doi, pmid: pmid, pmcid: pmcid, url: url,
                status: status?.kind == .current ? nil : status))
    }

    package static func == (a: Reference, b: Reference) -> Bool {
        a.box === b.box || a.box.fields == b.box.fields
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(box.fields)
    }

    /// As the fields themselves encode: the approval fingerprint's JSON form of a source
    /// (`Fingerprint.canonicalJSON`, held to `JSONEncoder` by a test) is this.
    package func encode(to encoder: any Encoder) throws {
        try box.fields.encode(to: encoder)
    }

    /// Identity across keys: the same DOI (case-insensitive), PMID or PMCID is the same source.
    package var identity: [String] {
        var ids: [String] = []
        // Most DOIs are lower-case ASCII already, and lowercasing one anew was a string apiece.
        if let doi {
            let isLower = doi.utf8.allSatisfy { $0 < 0x80 && !($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) }
            ids.append("doi:" + (isLower ? doi : doi.lowercased()))
        }
        if let pmid { ids.append("pmid:" + pmid) }
        if let pmcid { ids.append("pmcid:" + pmcid) }
        return ids
    }
}

/// A reference together with where it was written.
package struct LocatedReference: Sendable, Equatable {
    package var reference: Reference
    package var file: String
    package var position: TextPosition

    package init(reference: Reference, file: String, position: TextPosition) {
        self.reference = reference
        self.file = file
        self.position = position
    }
}
