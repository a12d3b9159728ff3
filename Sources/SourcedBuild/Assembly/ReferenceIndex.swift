import SourcedCore

/// The site-wide reference index: one entry per distinct source, with the pages that cite it.
///
/// Sources with the same DOI (case-insensitive) or PMID are one entry whatever their keys;
/// otherwise a key names one source, and a key that two pages use for different sources
/// gets a second, suffixed anchor.
struct ReferenceIndex: Sendable {
    struct Entry: Sendable {
        /// `source-…` anchor id.
        var anchor: String
        var reference: Reference
        /// Every key this source is cited or listed under.
        var keys: [String]
        /// Paths of the published pages that cite it, sorted.
        var citedBy: [String]
    }

    private(set) var entries: [Entry] = []
    /// Page path + key → index of its entry.
    private var entryOfPageKey: [String: Int] = [:]
    private var entryOfBibliographyKey: [String: Int] = [:]

    init(pages: [SitePage], bibliography: [LocatedReference]) {
        var byIdentity: [String: Int] = [:]
        var byKeyAndSource: [String: [(Reference, Int)]] = [:]

        func entryIndex(for reference: Reference) -> Int {
            for id in reference.identity {
                if let index = byIdentity[id] {
                    if !entries[index].keys.contains(reference.id) { entries[index].keys.append(reference.id) }
                    for other in reference.identity { byIdentity[other] = byIdentity[other] ?? index }
                    return index
                }
            }
            if let same = byKeyAndSource[reference.id]?.first(where: { $0.0 == reference }) { return same.1 }
            let suffix = (byKeyAndSource[reference.id]?.count ?? 0)
            let anchor = "source-\(reference.id)" + (suffix == 0 ? "" : "-\(suffix + 1)")
            entries.append(Entry(anchor: anchor, reference: reference, keys: [reference.id], citedBy: []))
            let index = entries.count - 1
            byKeyAndSource[reference.id, default: []].append((reference, index))
            for id in reference.identity { byIdentity[id] = index }
            return index
        }

        for located in bibliography {
            entryOfBibliographyKey[located.reference.id] =
                entryOfBibliographyKey[located.reference.id]
                ?? entryIndex(for: located.reference)
        }
        for page in pages {
            let path = page.result.relativePath
            for located in page.metadata.references {
                entryOfPageKey[path + "\u{0}" + located.reference.id] = entryIndex(for: located.reference)
            }
            for cited in page.citations.sources {
                guard let index = entry(page: path, key: cited.key) else { continue }
                if entries[index].citedBy.last != path { entries[index].citedBy.append(path) }
            }
        }
        for i in entries.indices { entries[i].citedBy.sort() }
        // Sorted by first author then title, as a bibliography reads.
        let order = entries.indices.sorted { a, b in
            let x = entries[a].reference, y = entries[b].reference
            return (x.authors.first ?? x.title, x.title, entries[a].anchor)
                < (y.authors.first ?? y.title, y.title, entries[b].anchor)
        }
        var remap = [Int](repeating: 0, count: entries.count)
        for (newIndex, oldIndex) in order.enumerated() { remap[oldIndex] = newIndex }
        entries = order.map { entries[$0] }
        entryOfPageKey = entryOfPageKey.mapValues { remap[$0] }
        entryOfBibliographyKey = entryOfBibliographyKey.mapValues { remap[$0] }
    }

    /// The entry a page's citation of `key` belongs to.
    func entry(page path: String, key: String) -> Int? {
        entryOfPageKey[path + "\u{0}" + key] ?? entryOfBibliographyKey[key]
    }
}
