import Foundation
import SourcedCore
import SourcedMarkdown
import Synchronization

/// Every page with its URL, citations and badge: the input of the checks and the renderers.
struct Site: Sendable {
    var settings: SiteSettings
    var today: Day
    /// Bibliography entries by key (the first of a duplicated key wins; the rest are reported).
    var bibliography: [String: LocatedReference]
    var bibliographyOrder: [LocatedReference]
    /// Pages with usable front matter, sorted by path.
    var pages: [SitePage]
    /// Pages whose front matter could not be read (their diagnostics say why).
    var unreadable: [PageResult]
    var attachments: Set<String>
    /// The settings' disclaimer, parsed.
    var disclaimer: SettingsMarkdown?
    /// The settings' editorial policy, as a link to its page.
    var editorialPolicy: SettingsMarkdown?
    /// Built on first use: `check` never needs it, and the preview only once a page is
    /// rendered (it cost 0.45 s of every 10,000-page rebuild).
    var referenceIndex: ReferenceIndex { referenceIndexBox.value }
    fileprivate let referenceIndexBox: Lazy<ReferenceIndex>

    func page(atPath path: String) -> SitePage? {
        pageIndexByPath[path].map { pages[$0] }
    }

    fileprivate var pageIndexByPath: [String: Int] = [:]
}

/// One topic page as the site sees it.
///
/// A class, so the many passes over `Site.pages` share each page instead of copying a dozen
/// reference-counted fields apiece: those copies were 40% of a 10,000-page preview rebuild.
final class SitePage: Sendable {
    let result: PageResult
    let metadata: TopicMetadata
    let markdown: RenderedMarkdown
    let slug: String
    let citations: PageCitations
    let badge: BadgeStatus
    let isPublished: Bool

    /// The heading anchors links may name.
    let anchors: Set<String>
    /// The page's version for each audience it lists, the first at `path`; one version, with
    /// no audience, for a page that lists none.
    let variants: [PageVariant]

    init(
        result: PageResult, metadata: TopicMetadata, markdown: RenderedMarkdown, slug: String,
        citations: PageCitations, badge: BadgeStatus, isPublished: Bool, anchors: Set<String>,
        bibliography: [String: LocatedReference] = [:]
    ) {
        self.result = result
        self.metadata = metadata
        self.markdown = markdown
        self.slug = slug
        self.citations = citations
        self.badge = badge
        self.isPublished = isPublished
        self.anchors = anchors
        variants = PageVariant.variants(
            of: metadata, markdown, path: "topics/\(slug)/", citations: citations, bibliography: bibliography)
    }

    var file: String { result.file }

    /// The fingerprint of the page as it is now (see `Fingerprint`). Made when asked for:
    /// only an approval that recorded one, and `sourced approve`, need it.
    var fingerprint: String {
        Fingerprint.of(
            bodyDigest: result.bodyDigest ?? "", sources: citations.sources.map { ($0.key, $0.reference) })
    }

    /// Site-relative URL path, without the root: `topics/<slug>/`.
    var path: String { "topics/\(slug)/" }
}

/// A value computed once, by whichever caller first asks for it.
final class Lazy<Value: Sendable>: Sendable {
    private let make: @Sendable () -> Value
    private let stored = Mutex<Value?>(nil)

    init(_ make: @escaping @Sendable () -> Value) {
        self.make = make
    }

    var value: Value {
        stored.withLock { stored in
            if let value = stored { return value }
            let value = make()
            stored = value
            return value
        }
    }
}

enum SiteAssembler {
    static func assemble(
        settings: SiteSettings, today: Day, bibliography: [LocatedReference], results: [PageResult],
        attachments: [String], statuses: RetractionWatch.Statuses = .init()
    ) -> Site {
        let sorted = sortedByPath(results)
        let bibliography = marked(bibliography, statuses)
        let keys = byKey(bibliography)
        let pages = makePages(sorted, settings: settings, today: today, bibliography: keys, statuses: statuses)
        return site(
            settings: settings, today: today, bibliography: bibliography, byKey: keys, results: sorted,
            pages: pages, attachments: attachments)
    }

    /// The results in content-path order, as the site lists its pages (they come sorted from
    /// the loader).
    static func sortedByPath(_ results: [PageResult]) -> [PageResult] {
        let isSorted = results.indices.dropFirst().allSatisfy {
            results[$0 - 1].relativePath < results[$0].relativePath
        }
        return isSorted ? results : results.sorted { $0.relativePath < $1.relativePath }
    }

    /// `references` with the statuses the Retraction Watch data gives those that state none.
    static func marked(_ references: [LocatedReference], _ statuses: RetractionWatch.Statuses) -> [LocatedReference] {
        guard !statuses.isEmpty, references.contains(where: { statuses.status(of: $0.reference) != nil }) else {
            return references
        }
        return references.map { located in
            guard statuses.status(of: located.reference) != nil else { return located }
            var marked = located
            marked.reference = statuses.applied(to: located.reference)
            return marked
        }
    }

    /// The first source of each key, as pages look keys up in the bibliography.
    static func byKey(_ bibliography: [LocatedReference]) -> [String: LocatedReference] {
        var firstOfKey: [String: LocatedReference] = [:]
        for located in bibliography where firstOfKey[located.reference.id] == nil {
            firstOfKey[located.reference.id] = located
        }
        return firstOfKey
    }

    /// Each result's page, in the same order; nil for a page whose front matter could not be
    /// read. Pages are independent here: they are made on every core, every n-th page each.
    static func makePages(
        _ results: [PageResult], settings: SiteSettings, today: Day, bibliography byKey: [String: LocatedReference],
        statuses: RetractionWatch.Statuses = .init()
    ) -> [SitePage?] {
        var slots = [SitePage?](repeating: nil, count: results.count)
        let shares = min(results.count, max(1, ProcessInfo.processInfo.activeProcessorCount))
        slots.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            DispatchQueue.concurrentPerform(iterations: shares) { share in
                // Pages share sources: the fingerprints an approval asks for encode each source
                // once per share, not once per page that cites it.
                var canonicalJSON: [Reference: [UInt8]] = [:]
                for index in stride(from: share, to: results.count, by: shares) {
                    slots[index] = makePage(
                        results[index], settings: settings, today: today, bibliography: byKey,
                        statuses: statuses, canonicalJSON: &canonicalJSON)
                }
            }
        }
        return slots
    }

    /// The site of `results` (sorted by path) and the page made of each; `byKey` is
    /// `byKey(bibliography)`, which the pages were made with.
    static func site(
        settings: SiteSettings, today: Day, bibliography: [LocatedReference], byKey: [String: LocatedReference],
        results: [PageResult], pages slots: [SitePage?], attachments: [String]
    ) -> Site {
        let pages = slots.compactMap { $0 }
        let unreadable = results.indices.filter { slots[$0] == nil }.map { results[$0] }
        let published = pages.filter(\.isPublished)
        var site = Site(
            settings: settings, today: today, bibliography: byKey, bibliographyOrder: bibliography,
            pages: pages, unreadable: unreadable, attachments: Set(attachments),
            referenceIndexBox: Lazy { ReferenceIndex(pages: published, bibliography: bibliography) })
        for (i, page) in pages.enumerated() { site.pageIndexByPath[page.result.relativePath] = i }
        return site
    }
}

extension SiteAssembler {
    /// A page as the site sees it; nil when its front matter could not be read.
    static func makePage(
        _ result: PageResult, settings: SiteSettings, today: Day, bibliography: [String: LocatedReference],
        statuses: RetractionWatch.Statuses = .init(), canonicalJSON: inout [Reference: [UInt8]]
    ) -> SitePage? {
        guard var metadata = result.metadata, let markdown = result.markdown else { return nil }
        // The page's own sources with what the Retraction Watch data says of them.
        if !statuses.isEmpty { metadata.references = marked(metadata.references, statuses) }
        let citations = PageCitations(
            groups: markdown.citationGroups, pageReferences: metadata.references, bibliography: bibliography)
        let badge = ReviewPolicy.badge(for: metadata.review, settings: settings, today: today) {
            let sources = citations.sources.map { source in
                let json = canonicalJSON[source.reference] ?? Fingerprint.canonicalJSON(source.reference)
                canonicalJSON[source.reference] = json
                return (key: source.key, json: json)
            }
            return Fingerprint.of(bodyDigest: result.bodyDigest ?? "", sources: sources)
        }
        return SitePage(
            result: result, metadata: metadata, markdown: markdown, slug: result.slug, citations: citations,
            // A plain page has no review to hold it back.
            badge: badge, isPublished: !metadata.isTopic || settings.publishStatuses.contains(metadata.review.status),
            anchors: Set(markdown.headings.map(\.anchor)), bibliography: bibliography)
    }
}

/// Review ageing: when an approval counts as overdue.
enum ReviewPolicy {
    /// An approval whose recorded fingerprint no longer matches shows as changed; one that is
    /// too old shows as overdue. `fingerprint` is asked for only when an approval recorded one.
    static func badge(
        for review: TopicMetadata.Review, settings: SiteSettings, today: Day, fingerprint: () -> String
    ) -> BadgeStatus {
        switch review.status {
        case .draft: return .draft
        case .submitted: return .submitted
        case .inReview: return .inReview
        case .approved:
            if let recorded = review.fingerprint, recorded != fingerprint() { return .changed }
            return isOverdue(review, settings: settings, today: today) ? .overdue : .approved
        }
    }

    static func isOverdue(_ review: TopicMetadata.Review, settings: SiteSettings, today: Day) -> Bool {
        guard review.status == .approved else { return false }
        // An approval with no review date cannot be shown to be current.
        guard let due = nextReviewDue(review, settings: settings) else { return true }
        return today > due
    }

    /// The last review plus the page's `interval_days`, else the site's `max_age_days`.
    static func nextReviewDue(_ review: TopicMetadata.Review, settings: SiteSettings) -> Day? {
        review.reviewed?.adding(days: interval(review, settings: settings))
    }

    static func interval(_ review: TopicMetadata.Review, settings: SiteSettings) -> Int {
        review.intervalDays ?? settings.reviewMaxAgeDays
    }

    /// An approved page whose next review falls within `review.due_soon_days` of today (and is
    /// not yet overdue).
    static func isDueSoon(_ review: TopicMetadata.Review, settings: SiteSettings, today: Day) -> Bool {
        guard review.status == .approved, let due = nextReviewDue(review, settings: settings), today <= due else {
            return false
        }
        return today.adding(days: settings.reviewDueSoonDays) >= due
    }
}
