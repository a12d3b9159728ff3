import SourcedCore

/// A topic page's schema.org `MedicalWebPage` (JSON-LD): what the page is, when it was reviewed
/// and by whom, who it is for, and the sources it cites as `ScholarlyArticle`s with their DOI
/// and PMID. Search engines read it; readers never see it.
struct StructuredDataView: Sendable, Equatable, WireCodable {
    var name: String
    var description: String?
    var url: String
    var language: String
    var lastReviewed: String?
    var reviewers: [String]
    var modified: String?
    /// `MedicalAudience`'s `audienceType`.
    var audience: String?
    /// Its `name`: the label of the variant's audience.
    var audienceName: String?
    /// The cited sources, in number order.
    var sources: [Reference]

    init(
        name: String, description: String?, url: String, language: String, lastReviewed: String?,
        reviewers: [String], modified: String?, audience: String?, audienceName: String? = nil, sources: [Reference]
    ) {
        self.name = name
        self.description = description
        self.url = url
        self.language = language
        self.lastReviewed = lastReviewed
        self.reviewers = reviewers
        self.modified = modified
        self.audience = audience
        self.audienceName = audienceName
        self.sources = sources
    }

    func write(to wire: inout WireWriter) {
        wire.write(name)
        wire.write(description)
        wire.write(url)
        wire.write(language)
        wire.write(lastReviewed)
        wire.write(reviewers)
        wire.write(modified)
        wire.write(audience)
        wire.write(audienceName)
        wire.write(sources)
    }

    init(from wire: inout WireReader) throws(WireError) {
        self.init(
            name: try wire.read(), description: try wire.read(), url: try wire.read(), language: try wire.read(),
            lastReviewed: try wire.read(), reviewers: try wire.read(), modified: try wire.read(),
            audience: try wire.read(), audienceName: try wire.read(), sources: try wire.read())
    }

    /// The `<script type="application/ld+json">` element. `JSONWriter` writes `<`, `>`, `&` and
    /// a string's `"` as `\u003c`, `\u003e`, `\u0026` and `\u0022`, so no value can end the
    /// element or open another, and no quote stands next to a value's combining mark.
    @Sendable static func html(_ data: StructuredDataView) -> String {
        "<script type=\"application/ld+json\">" + String(decoding: json(data), as: UTF8.self) + "</script>"
    }

    /// schema.org's `MedicalAudienceType` for an audience name it has one for (`clinician` is
    /// `Clinician`, `patient` `Patient`, `researcher` `MedicalResearcher`), else its label.
    static func audienceType(_ name: String, label: String) -> String {
        switch name {
        case "clinician", "clinicians", "professional", "professionals", "hcp": "Clinician"
        case "patient", "patients", "caregiver", "caregivers", "public": "Patient"
        case "researcher", "researchers": "MedicalResearcher"
        default: label
        }
    }

    static func json(_ data: StructuredDataView) -> [UInt8] {
        var json = Object(JSONWriter(escapesQuotes: true))
        json.string("@context", "https://schema.org")
        json.string("@type", "MedicalWebPage")
        json.string("name", data.name)
        json.string("description", data.description)
        json.string("url", data.url)
        json.string("inLanguage", data.language)
        json.string("lastReviewed", data.lastReviewed)
        if !data.reviewers.isEmpty { json.list("reviewedBy", data.reviewers) { $0.agent($1) } }
        json.string("dateModified", data.modified)
        if let audience = data.audience {
            json.object("audience") {
                $0.string("@type", "MedicalAudience")
                $0.string("audienceType", audience)
                $0.string("name", data.audienceName)
            }
        }
        if !data.sources.isEmpty { json.list("citation", data.sources) { $0.article($1) } }
        return json.close()
    }

    /// Writes a JSON object field by field (the JSON-LD of 10,000 pages through
    /// `JSONWriter.object`, an array of closures an object, took a tenth of a build).
    private struct Object {
        var writer: JSONWriter
        private var first = true

        init(_ writer: JSONWriter) {
            self.writer = writer
            self.writer.raw("{")
        }

        mutating func close() -> [UInt8] {
            writer.raw("}")
            return writer.bytes
        }

        private mutating func name(_ name: String) {
            if !first { writer.raw(",") }
            first = false
            writer.key(name)
        }

        mutating func string(_ key: String, _ value: String?) {
            guard let value else { return }
            name(key)
            writer.string(value)
        }

        mutating func object(_ key: String, _ fill: (inout Object) -> Void) {
            name(key)
            var inner = Object(writer)
            writer = JSONWriter()
            fill(&inner)
            writer = inner.writer
            writer.raw("}")
        }

        mutating func list<T>(_ key: String, _ items: [T], _ fill: (inout Object, T) -> Void) {
            name(key)
            writer.raw("[")
            for (i, item) in items.enumerated() {
                if i > 0 { writer.raw(",") }
                var inner = Object(writer)
                writer = JSONWriter()
                fill(&inner, item)
                writer = inner.writer
                writer.raw("}")
            }
            writer.raw("]")
        }

        /// A reviewer.
        mutating func agent(_ name: String) {
            string("@type", StructuredDataView.agentType(name))
            string("name", name)
        }

        /// A cited source: what identifies it, not its authors, which the reference list gives
        /// (an object each was a third of the JSON-LD's cost: 6% of a cold build).
        mutating func article(_ r: Reference) {
            string("@type", "ScholarlyArticle")
            string("name", r.title)
            // A book's container is its publisher; anything else's is the journal or site it is in.
            if let container = r.container {
                object(r.type == .book ? "publisher" : "isPartOf") {
                    $0.string("@type", r.type == .book ? "Organization" : "Periodical")
                    $0.string("name", container)
                }
            }
            string("datePublished", r.year)
            string("url", r.url ?? ReferenceFormatter.doiURL(r.doi))
            let identifiers = [("DOI", r.doi), ("PMID", r.pmid), ("PMCID", r.pmcid)].compactMap { id, value in
                value.map { (id, $0) }
            }
            if !identifiers.isEmpty {
                list("identifier", identifiers) {
                    $0.string("@type", "PropertyValue")
                    $0.string("propertyID", $1.0)
                    $0.string("value", $1.1)
                }
            }
        }
    }

    /// Words that make a name a body rather than a person.
    private static let bodyWords: Set<String> = [
        "association", "board", "college", "committee", "council", "department", "faculty", "group",
        "institute", "network", "panel", "service", "society", "team", "unit",
    ]
    private static let titles: Set<String> = ["dr", "prof", "professor", "mr", "mrs", "ms", "mx", "sir", "dame"]

    /// Front matter names reviewers as plain text, people ("Dr P. Moreau",
    /// "Minisola S") and bodies ("Medical Advisory Board", "KDIGO", "Emergency Medicine") alike.
    /// A name with a word such as "Board" or "Society" is an `Organization`; one with a title
    /// ("Dr", "Prof") or initials ("HJ", "P.", "B-A", "Ø") beside other words is a `Person`; any
    /// other is an `Organization`. Words are split at spaces; the rules read bytes, as names are
    /// nearly always ASCII (by `Character` it was 6% of a cold build).
    static func agentType(_ name: String) -> String {
        let words = name.utf8.split(separator: UInt8(ascii: " "))
        func lowered(_ word: Substring.UTF8View.SubSequence) -> String {
            String(
                decoding: word.compactMap { byte -> UInt8? in
                    switch byte {
                    case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte + 32
                    case UInt8(ascii: "a")...UInt8(ascii: "z"), 0x80...: byte
                    default: nil
                    }
                }, as: UTF8.self)
        }
        if words.contains(where: { bodyWords.contains(lowered($0)) }) { return "Organization" }
        guard words.count >= 2 else { return "Organization" }
        if titles.contains(lowered(words[0])) { return "Person" }
        let initials = words.contains { word in
            let letters = word.filter { $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: "-") }
            if letters.allSatisfy({ $0 < 0x80 }) {
                return (1...3).contains(letters.count)
                    && letters.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
            }
            let characters = String(decoding: letters, as: UTF8.self)
            return (1...3).contains(characters.count) && characters.allSatisfy { $0.isUppercase && $0.isLetter }
        }
        return initials ? "Person" : "Organization"
    }
}
