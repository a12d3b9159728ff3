/// A source a page may cite: from its own `references` or from the shared bibliography.
///
/// `Encodable` so that a template view can hold it (the view's encoding is the key of the file
/// it makes); worker replies and the cache use its wire form (`Wire/SourcedCore+Wire.swift`).
package struct Reference: Sendable, Encodable, Equatable, Hashable {
    package enum Kind: String, Sendable, Encodable, CaseIterable {
        case guideline, research, review, book, web, other
    }

    package var id: String
    package var type: Kind
    package var title: String
    package var authors: [String]
    package var container: String?
    package var year: String?
    package var volume: String?
    package var pages: String?
    package var doi: String?
    package var pmid: String?
    package var url: String?

    package init(
        id: String, type: Kind = .other, title: String, authors: [String] = [], container: String? = nil,
        year: String? = nil, volume: String? = nil, pages: String? = nil, doi: String? = nil,
        pmid: String? = nil, url: String? = nil
    ) {
        self.id = id
        self.type = type
        self.title = title
        self.authors = authors
        self.container = container
        self.year = year
        self.volume = volume
        self.pages = pages
        self.doi = doi
        self.pmid = pmid
        self.url = url
    }

    /// Identity across keys: the same DOI (case-insensitive) or PMID is the same source.
    package var identity: [String] {
        var ids: [String] = []
        // Most DOIs are lower-case ASCII already, and lowercasing one anew was a string apiece.
        if let doi {
            let isLower = doi.utf8.allSatisfy { $0 < 0x80 && !($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) }
            ids.append("doi:" + (isLower ? doi : doi.lowercased()))
        }
        if let pmid { ids.append("pmid:" + pmid) }
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
