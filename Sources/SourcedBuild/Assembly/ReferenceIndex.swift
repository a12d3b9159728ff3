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
        /// `source-KEY` ids for its other keys, those no other entry's anchor or alias holds, so
        /// that a link made with any key it goes by finds it and every id is unique.
        var aliasAnchors: [String] = []
        /// Paths of the published pages that cite it, sorted.
        var citedBy: [String]
    }

    let entries: [Entry]
    /// Page path → each source the page cites, in number order, with the index of its entry as
    /// first met (-1 for none); `sortedIndex` maps that to `entries` (remapping 10,000 pages'
    /// lists instead took a fifth of building the index). Worked out here, where each citation
    /// is resolved anyway: looking each up again for the page's reference list took as long.
    private let citedEntries: [String: [(key: String, entry: Int)]]
    private let sortedIndex: [Int]

    init(pages: [SitePage], bibliography: [LocatedReference]) {
        // At most one entry a source: made at that size, the tables are not grown (and rehashed)
        // as they fill, which was a third of assigning the entries.
        var builder = Builder(capacity: bibliography.count + pages.reduce(0) { $0 + $1.metadata.references.count })
        var bibliographyKeys: [String: Int] = [:]
        bibliographyKeys.reserveCapacity(bibliography.count)
        for located in bibliography where bibliographyKeys[located.reference.id] == nil {
            bibliographyKeys[located.reference.id] = builder.entryIndex(for: located.reference)
        }
        var citedEntries: [String: [(key: String, entry: Int)]] = [:]
        citedEntries.reserveCapacity(pages.count)
        for page in pages {
            let path = page.result.relativePath
            // By index, not `for … in`: a loop variable is a copy, which retains each string.
            let references = page.metadata.references
            var keys: [String: Int] = [:]
            keys.reserveCapacity(references.count)
            for i in references.indices {
                keys[references[i].reference.id] = builder.entryIndex(for: references[i].reference)
            }
            let sources = page.citations.sources
            var cited: [(key: String, entry: Int)] = []
            cited.reserveCapacity(sources.count)
            for i in sources.indices {
                let key = sources[i].key
                let index = keys[key] ?? bibliographyKeys[key]
                cited.append((key, index ?? -1))
                guard let index else { continue }
                if builder.entries[index].citedBy.last != path { builder.entries[index].citedBy.append(path) }
            }
            citedEntries[path] = cited
        }
        // The builder let go first, so that changing the list changes it in place rather than
        // copying every entry (a copy retains each of an entry's strings; 66,000 entries).
        var list = builder.entries
        var taken = builder.anchors
        builder = Builder()
        for i in list.indices {
            list[i].citedBy.sort()
            list[i].aliasAnchors = list[i].keys.map { "source-" + $0 }.filter {
                $0 != list[i].anchor && taken.insert($0).inserted
            }
        }
        // Sources with a notice first (retracted, questioned, superseded, corrected), then by
        // first author and title, as a bibliography reads.
        let sortKeys = list.map {
            (
                $0.reference.isCurrent ? 4 : Self.rank($0.reference.status),
                $0.reference.authors.first ?? $0.reference.title, $0.reference.title, $0.anchor
            )
        }
        let order = list.indices.sorted { sortKeys[$0] < sortKeys[$1] }
        var remap = [Int](repeating: 0, count: list.count)
        for (newIndex, oldIndex) in order.enumerated() { remap[oldIndex] = newIndex }
        Self.permute(&list, order)
        entries = list
        self.citedEntries = citedEntries
        sortedIndex = remap
    }

    /// Where a source with `status` goes in the index: the worse its notice, the earlier.
    static func rank(_ status: SourceStatus?) -> Int {
        switch status?.kind {
        case .retracted: 0
        case .expressionOfConcern: 1
        case .superseded: 2
        case .corrected: 3
        case .current, nil: 4
        }
    }

    /// Puts `list[order[i]]` at `i`, by swaps (moves), one cycle of the permutation at a time:
    /// mapping to a new array copied each entry and then freed the old one.
    private static func permute(_ list: inout [Entry], _ order: [Int]) {
        var placed = [Bool](repeating: false, count: list.count)
        for start in list.indices where !placed[start] {
            var current = start
            var next = order[start]
            while next != start {
                list.swapAt(current, next)
                placed[current] = true
                current = next
                next = order[next]
            }
            placed[current] = true
        }
    }

    /// Assigns sources to entries as they are met.
    private struct Builder {
        var entries: [Entry] = []
        var byIdentity: [String: Int] = [:]
        /// Per key, the entries of the distinct sources seen under it (each entry's `reference`
        /// is the source it was made for; a copy here retained every one of its strings).
        var byKey: [String: [Int]] = [:]
        var anchors: Set<String> = []

        init(capacity: Int = 0) {
            entries.reserveCapacity(capacity)
            byIdentity.reserveCapacity(capacity)
            byKey.reserveCapacity(capacity)
            anchors.reserveCapacity(capacity)
        }

        mutating func entryIndex(for reference: Reference) -> Int {
            let identity = reference.identity
            for id in identity {
                guard let index = byIdentity[id] else { continue }
                if !entries[index].keys.contains(reference.id) { entries[index].keys.append(reference.id) }
                for other in identity where byIdentity[other] == nil { byIdentity[other] = index }
                return index
            }
            if let same = byKey[reference.id]?.first(where: { entries[$0].reference == reference }) { return same }
            // A second source under the same key is `source-KEY-2`, unless a key `KEY-2` has it.
            var suffix = byKey[reference.id]?.count ?? 0
            var anchor = "source-\(reference.id)" + (suffix == 0 ? "" : "-\(suffix + 1)")
            while anchors.contains(anchor) {
                suffix += 1
                anchor = "source-\(reference.id)-\(suffix + 1)"
            }
            anchors.insert(anchor)
            entries.append(Entry(anchor: anchor, reference: reference, keys: [reference.id], citedBy: []))
            let index = entries.count - 1
            byKey[reference.id, default: []].append(index)
            for id in identity { byIdentity[id] = index }
            return index
        }
    }

    /// The entry a page's citation of `key` belongs to.
    func entry(page path: String, key: String) -> Int? {
        citedEntries[path]?.first { $0.key == key }.flatMap { sorted($0.entry) }
    }

    /// The entry of each source the page at `path` cites, in number order (its
    /// `citations.sources`).
    func citedEntries(page path: String) -> [Int?] {
        (citedEntries[path] ?? []).map { sorted($0.entry) }
    }

    /// Where the entry first met as `entry` is in `entries`; nil for -1, no entry.
    private func sorted(_ entry: Int) -> Int? { entry < 0 ? nil : sortedIndex[entry] }
}
