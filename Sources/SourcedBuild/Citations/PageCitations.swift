import SourcedCore
import SourcedMarkdown

/// A page's citations resolved to sources and numbered in order of first citation.
struct PageCitations: Sendable {
    /// The cited sources in number order (number = index + 1).
    var sources: [CitedSource] = []
    var numberOfKey: [String: Int] = [:]
    /// Keys that no listed source has, with where they were written.
    var unknown: [CitationItem] = []

    struct CitedSource: Sendable {
        var key: String
        var reference: Reference
        /// Whether the page's own `references` lists it (else it comes from the bibliography).
        var isPageReference: Bool
        /// Indexes of the citation groups that cite it, for back-links.
        var groups: [Int] = []
    }

    /// Resolves `groups` against the page's references first, then the bibliography; only the
    /// groups `including` accepts (by index) are numbered, as one audience's variant shows them.
    init(
        groups: [CitationGroup], pageReferences: [LocatedReference], bibliography: [String: LocatedReference],
        including: (Int) -> Bool = { _ in true }
    ) {
        var page: [String: Reference] = [:]
        for located in pageReferences where page[located.reference.id] == nil {
            page[located.reference.id] = located.reference
        }
        for (groupIndex, group) in groups.enumerated() where including(groupIndex) {
            for item in group.items {
                if let number = numberOfKey[item.key] {
                    if sources[number - 1].groups.last != groupIndex { sources[number - 1].groups.append(groupIndex) }
                    continue
                }
                let reference = page[item.key] ?? bibliography[item.key]?.reference
                guard let reference else {
                    unknown.append(item)
                    continue
                }
                sources.append(
                    CitedSource(
                        key: item.key, reference: reference, isPageReference: page[item.key] != nil,
                        groups: [groupIndex]))
                numberOfKey[item.key] = sources.count
            }
        }
    }
}
