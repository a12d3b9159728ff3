import SourcedCore
import SourcedMarkdown

/// The checks that look across the assembled site. Pure functions of `Site`; each returns
/// every problem it finds.
enum SiteChecks {
    static func run(_ site: Site) -> [Diagnostic] {
        let exempt = exemptSections(site)
        return siteWide(site) + site.pages.flatMap { own($0, site, exempt: exempt) + links($0, site) }
    }

    /// The checks of the site as a whole: duplicate sources and slugs, the disclaimer's links.
    static func siteWide(_ site: Site) -> [Diagnostic] {
        bibliographyDuplicates(site) + duplicateSlugs(site) + disclaimerLinks(site) + bibliographyReplacements(site)
            + identityConflicts(site)
    }

    /// Two keys with the same DOI, PMID or PMCID are one source in the reference index: when
    /// their titles differ, one of the two identifiers is likely a typo. Reported once per key
    /// pair, at the later entry (the bibliography first, then the pages in path order).
    static func identityConflicts(_ site: Site) -> [Diagnostic] {
        // One table per kind of identifier, keyed by the identifier itself (a lower-case DOI is
        // its own key, with no string made for it), holding where it was first met as a number:
        // -1 - i for the bibliography's i-th entry, page << 20 | entry for a page's. 70,000
        // sources in the benchmark; tables of copies and made-up keys cost 6% of a cached check.
        let pages = site.pages
        func located(_ code: Int) -> LocatedReference {
            code < 0 ? site.bibliographyOrder[-1 - code] : pages[code >> 20].metadata.references[code & 0xFFFFF]
        }
        let total = site.bibliographyOrder.count + pages.reduce(0) { $0 + $1.metadata.references.count }
        var first: [[String: Int]] = [[:], [:], [:]]
        for kind in 0..<3 { first[kind].reserveCapacity(total) }
        var reported: Set<[String]> = []
        var diagnostics: [Diagnostic] = []
        func visit(_ reference: Reference, _ code: Int) {
            for kind in 0..<3 {
                let id: String? =
                    switch kind {
                    case 0: reference.doi.map(RetractionWatch.lowercased)
                    case 1: reference.pmid
                    default: reference.pmcid
                    }
                guard let id else { continue }
                guard let earlierCode = first[kind][id] else {
                    first[kind][id] = code
                    continue
                }
                let earlier = located(earlierCode)
                guard earlier.reference.id != reference.id, earlier.reference.title != reference.title,
                    comparable(earlier.reference.title) != comparable(reference.title),
                    reported.insert([earlier.reference.id, reference.id].sorted()).inserted
                else { continue }
                let here = located(code)
                let name = ["DOI", "PMID", "PMCID"][kind]
                diagnostics.append(
                    Diagnostic(
                        file: here.file, position: here.position, severity: .warning, rule: .duplicateReference,
                        message:
                            "reference '\(reference.id)' has the \(name) \(kind == 0 ? reference.doi ?? id : id) of '\(earlier.reference.id)' (\(earlier.file):\(earlier.position.line)) but another title",
                        hint: "one identifier is likely mistyped; the reference index lists the two as one source"))
            }
        }
        for (i, entry) in site.bibliographyOrder.enumerated() { visit(entry.reference, -1 - i) }
        for p in pages.indices {
            let references = pages[p].metadata.references
            for r in references.indices where r < 0x100000 { visit(references[r].reference, p << 20 | r) }
        }
        return diagnostics
    }

    /// A title as two entries of one source may write it: case, spacing and a final full stop aside.
    private static func comparable(_ title: String) -> String {
        var words = title.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        while let last = words.last, ".".contains(last) { words.removeLast() }
        return words
    }

    /// A bibliography source superseded by a key the bibliography does not have.
    static func bibliographyReplacements(_ site: Site) -> [Diagnostic] {
        site.bibliographyOrder.compactMap { located in
            guard let replacement = located.reference.status?.supersededBy, site.bibliography[replacement] == nil
            else { return nil }
            return Diagnostic(
                file: located.file, position: located.position, rule: .invalidReference,
                message: "reference '\(located.reference.id)' is superseded by '\(replacement)', which no source has",
                hint: "add the replacement to bibliography.yaml")
        }
    }

    /// The section headings (lowercased) whose paragraphs need no citation.
    static func exemptSections(_ site: Site) -> Set<String> {
        Set(site.settings.exemptSections.map { $0.lowercased() })
    }

    /// The checks that look at nothing but the page (and the settings, day and bibliography
    /// it was assembled with).
    static func own(_ page: SitePage, _ site: Site, exempt: Set<String>) -> [Diagnostic] {
        // A plain page (`kind: page`) makes no claims that need sources and has no review.
        let topicOnly =
            page.metadata.isTopic
            ? uncitedClaims(page, site.settings, exempt: exempt) + reviewAge(page, site) + approvalCurrency(page) : []
        return unknownCitations(page, site) + unusedReferences(page) + bibliographyConflicts(page, site) + topicOnly
            + futureDates(page, site) + citedStatuses(page, site.settings) + unknownReplacements(page, site)
    }

    /// A review or update dated after today is a typo (2062 for 2026) or a wrong `--date`.
    static func futureDates(_ page: SitePage, _ site: Site) -> [Diagnostic] {
        let review = page.metadata.review
        return [("reviewed", review.reviewed), ("updated", review.updated)].compactMap { field, day in
            guard let day, day > site.today else { return nil }
            return Diagnostic(
                file: page.file, position: page.metadata.positions["review." + field] ?? .init(line: 1, column: 1),
                severity: .warning, rule: .frontMatter,
                message: "'\(field)' is \(day), after today (\(site.today))",
                hint: "correct the date, or give the day the site is built for with --date")
        }
    }

    static func unknownCitations(_ page: SitePage, _ site: Site) -> [Diagnostic] {
        guard !page.citations.unknown.isEmpty else { return [] }
        let known = page.metadata.references.map(\.reference.id) + site.bibliography.keys.sorted()
        return page.citations.unknown.map { item in
            let hint =
                nearest(item.key, in: known).map { "did you mean '\($0)'? " } ?? ""
            return Diagnostic(
                file: page.file, position: item.position, rule: .unknownCitation,
                message: "unknown citation key '\(item.key)'",
                hint: hint + "add it under 'references:' in the front matter or to bibliography.yaml")
        }
    }

    /// Each citation of a source that has been retracted, superseded, corrected or questioned,
    /// at the citation itself: every claim that rests on it needs a look.
    static func citedStatuses(_ page: SitePage, _ settings: SiteSettings) -> [Diagnostic] {
        let sources = page.citations.sources
        guard sources.contains(where: { !$0.reference.isCurrent }) else { return [] }
        var diagnostics: [Diagnostic] = []
        for group in page.markdown.citationGroups {
            for item in group.items {
                guard let number = page.citations.numberOfKey[item.key],
                    let status = sources[number - 1].reference.status
                else { continue }
                if let diagnostic = citedStatus(status, key: item.key, file: page.file, at: item.position, settings) {
                    diagnostics.append(diagnostic)
                }
            }
        }
        return diagnostics
    }

    static func citedStatus(
        _ status: SourceStatus, key: String, file: String, at position: TextPosition, _ settings: SiteSettings
    ) -> Diagnostic? {
        let when = status.date.map { " on \($0)" } ?? ""
        let note = status.note.map { ": \($0)" } ?? ""
        let notice = status.noticeURL.map { "; the notice: \($0)" } ?? ""
        let rule: Rule
        let message: String
        let hint: String
        switch status.kind {
        case .retracted:
            (rule, message, hint) = (
                .retractedSource, "'\(key)' was retracted\(when)\(note)",
                "cite a source that stands, or remove the claim"
            )
        case .superseded:
            (rule, message, hint) = (
                .supersededSource,
                "'\(key)' is superseded\(status.supersededBy.map { " by '\($0)'" } ?? "")\(when)\(note)",
                status.supersededBy.map { "cite [@\($0)] instead" } ?? "cite the source that replaces it"
            )
        case .corrected:
            (rule, message, hint) = (
                .correctedSource, "'\(key)' was corrected\(when)\(note)", "check the claim against the correction"
            )
        case .expressionOfConcern:
            (rule, message, hint) = (
                .sourceConcern, "'\(key)' has an expression of concern\(when)\(note)",
                "check whether the claim still stands"
            )
        case .current: return nil
        }
        return Diagnostic(
            file: file, position: position, severity: rule == .retractedSource ? settings.retractedSeverity : nil,
            rule: rule, message: message, hint: hint + notice)
    }

    /// A page's source superseded by a key that neither the page nor the bibliography has.
    static func unknownReplacements(_ page: SitePage, _ site: Site) -> [Diagnostic] {
        let references = page.metadata.references
        guard references.contains(where: { !$0.reference.isCurrent && $0.reference.status?.supersededBy != nil }) else {
            return []
        }
        let own = Set(references.map(\.reference.id))
        return references.compactMap { located in
            guard let replacement = located.reference.status?.supersededBy, !own.contains(replacement),
                site.bibliography[replacement] == nil
            else { return nil }
            return Diagnostic(
                file: located.file, position: located.position, rule: .invalidReference,
                message: "reference '\(located.reference.id)' is superseded by '\(replacement)', which no source has",
                hint: "list the replacement under 'references:' or in bibliography.yaml")
        }
    }

    static func unusedReferences(_ page: SitePage) -> [Diagnostic] {
        page.metadata.references.filter { page.citations.numberOfKey[$0.reference.id] == nil }.map {
            Diagnostic(
                file: page.file, position: $0.position, rule: .unusedReference,
                message: "reference '\($0.reference.id)' is listed but never cited",
                hint: "cite it as [@\($0.reference.id)] or remove it")
        }
    }

    /// A key the bibliography lists twice.
    static func bibliographyDuplicates(_ site: Site) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var first: [String: LocatedReference] = [:]
        for located in site.bibliographyOrder {
            guard let earlier = first[located.reference.id] else {
                first[located.reference.id] = located
                continue
            }
            // Beside bibliography.yaml there may be reference managers' files: say which.
            let place = earlier.file == located.file ? "" : " (first in \(earlier.file):\(earlier.position.line))"
            diagnostics.append(
                Diagnostic(
                    file: located.file, position: located.position, rule: .duplicateReference,
                    message: "reference '\(located.reference.id)' is listed twice in the bibliography\(place)"))
        }
        return diagnostics
    }

    /// The same key on a page and in the bibliography must be the same source.
    static func bibliographyConflicts(_ page: SitePage, _ site: Site) -> [Diagnostic] {
        page.metadata.references.compactMap { located in
            guard let shared = site.bibliography[located.reference.id], shared.reference != located.reference
            else { return nil }
            return Diagnostic(
                file: page.file, position: located.position, rule: .duplicateReference,
                message: "reference '\(located.reference.id)' differs from the bibliography's entry of that key",
                hint: "remove it from the page to use the bibliography's, or give it another key")
        }
    }

    static func duplicateSlugs(_ site: Site) -> [Diagnostic] {
        var seen: [String: Int] = [:]
        for page in site.pages { seen[page.slug, default: 0] += 1 }
        guard seen.values.contains(where: { $0 > 1 }) else { return [] }
        let groups = Dictionary(grouping: site.pages, by: \.slug).filter { $0.value.count > 1 }
        return groups.keys.sorted().flatMap { slug in
            let pages = groups[slug]!
            return pages.map { page in
                let others = pages.filter { $0.file != page.file }.map(\.file).joined(separator: ", ")
                return Diagnostic(
                    file: page.file, position: page.metadata.positions["slug"] ?? .init(line: 1, column: 1),
                    rule: .duplicateSlug,
                    message: "slug '\(slug)' is also used by \(others)",
                    hint: "set a distinct 'slug:' in the front matter")
            }
        }
    }

    static func links(_ page: SitePage, _ site: Site) -> [Diagnostic] {
        links(
            page.markdown.links, page.result.links, file: page.file, from: page.result.relativePath,
            anchors: page.anchors, isPublished: page.isPublished, site: site)
    }

    /// The links of the disclaimer and of the editorial policy, as a published page's (both are
    /// on every topic page), each reported at its field; a `#fragment` names a heading of
    /// whichever page shows it.
    static func disclaimerLinks(_ site: Site) -> [Diagnostic] {
        [site.disclaimer, site.editorialPolicy].compactMap { $0 }.flatMap { text in
            links(
                text.markdown.links, text.links, file: text.file, from: nil, anchors: nil, isPublished: true,
                site: site,
                at: text.position)
        }
    }

    /// What is wrong with each link, written in `file` (the page at content path `from`, if it
    /// is one) at the link's position or at `fixed`; `anchors` are the ids a `#fragment` may
    /// name (nil: not known, not checked).
    static func links(
        _ links: [Link], _ targets: [LinkTarget], file: String, from ownPath: String?, anchors: Set<String>?,
        isPublished: Bool, site: Site, at fixed: TextPosition? = nil
    ) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for (link, target) in zip(links, targets) {
            func report(_ rule: Rule, _ message: String, hint: String? = nil) {
                diagnostics.append(
                    Diagnostic(file: file, position: fixed ?? link.position, rule: rule, message: message, hint: hint))
            }
            if isUnsafe(link) {
                report(.unsafeLink, "unsafe URL scheme in '\(link.destination)'")
                continue
            }
            switch target {
            case .topic(let path, let fragment):
                guard let target = site.page(atPath: path) else {
                    let known = site.pages.map(\.result.relativePath).filter { $0 != ownPath }
                    report(
                        .brokenLink, "link to '\(link.destination)': no such page",
                        hint: nearest(path, in: known).map { "did you mean '\($0)'?" })
                    continue
                }
                if isPublished, !target.isPublished {
                    let status = target.metadata.review.status.rawValue
                    report(
                        .brokenLink,
                        "link to '\(link.destination)': that page is \(status), which this site does not publish, so the link would lead nowhere",
                        hint: "link to a published page, or add '\(status)' to publish.statuses in site.yaml")
                    continue
                }
                if let fragment = fragment.map(decodedFragment), !target.anchors.contains(fragment) {
                    report(
                        .brokenAnchor, "link to '\(link.destination)': '\(path)' has no heading '#\(fragment)'",
                        hint: nearest(fragment, in: target.anchors.sorted()).map { "did you mean '#\($0)'?" })
                }
            case .file(let path):
                if !site.attachments.contains(path) {
                    report(.brokenLink, "link to '\(link.destination)': no such file in the content folder")
                }
            case .fragment(let written):
                let fragment = decodedFragment(written)
                if let anchors, !fragment.isEmpty, !anchors.contains(fragment) {
                    report(
                        .brokenAnchor, "link to '#\(fragment)': this page has no such heading",
                        hint: nearest(fragment, in: anchors.sorted()).map { "did you mean '#\($0)'?" })
                }
            case .outside:
                report(.brokenLink, "link to '\(link.destination)' leaves the content folder")
            case .external:
                break
            }
        }
        return diagnostics
    }

    /// A `#fragment` as the browser matches it against ids: percent-decoded (`#caf%C3%A9` is
    /// the heading `café`).
    static func decodedFragment(_ fragment: String) -> String {
        guard fragment.utf8.contains(UInt8(ascii: "%")) else { return fragment }
        return fragment.removingPercentEncoding ?? fragment
    }

    static func isUnsafe(_ link: Link) -> Bool {
        // Every unsafe scheme needs a colon; most links (relative paths) have none.
        guard link.destination.utf8.contains(UInt8(ascii: ":")) else { return false }
        let url = String(link.destination.unicodeScalars.prefix(64).filter { $0.value > 0x20 }).lowercased()
        if url.hasPrefix("javascript:") || url.hasPrefix("vbscript:") { return true }
        if url.hasPrefix("data:") { return !(link.isImage && url.hasPrefix("data:image/")) }
        return false
    }

    static func uncitedClaims(_ page: SitePage, _ settings: SiteSettings, exempt: Set<String>) -> [Diagnostic] {
        let severity: Severity
        switch settings.uncitedClaims {
        case .off: return []
        case .warning: severity = .warning
        case .error: severity = .error
        }
        return page.markdown.claims.compactMap { claim in
            guard !claim.isCited, !claim.isLeadIn,
                !claim.text.allSatisfy(\.isWhitespace),
                !claim.sections.contains(where: { exempt.contains($0.lowercased()) })
            else { return nil }
            return Diagnostic(
                file: page.file, position: claim.position, severity: severity, rule: .uncitedClaim,
                message: "\(claim.kind.description) has no citation: '\(excerpt(claim.text))'",
                hint: "cite a source as [@key], or end a lead-in with ':'")
        }
    }

    static func reviewAge(_ page: SitePage, _ site: Site) -> [Diagnostic] {
        guard page.badge == .overdue else { return [] }
        let review = page.metadata.review
        let message =
            review.reviewed.map {
                "approved page last reviewed \($0), more than \(ReviewPolicy.interval(review, settings: site.settings)) days before \(site.today)"
            } ?? "approved page has no 'reviewed' date"
        return [
            Diagnostic(
                file: page.file,
                position: page.metadata.positions["review.reviewed"] ?? page.metadata.positions["review.status"]
                    ?? .init(line: 1, column: 1),
                rule: .reviewOverdue, message: message,
                hint: "review the page and record it with 'sourced approve'")
        ]
    }

    static func approvalCurrency(_ page: SitePage) -> [Diagnostic] {
        guard page.badge == .changed else { return [] }
        return [
            Diagnostic(
                file: page.file,
                position: page.metadata.positions["review.fingerprint"] ?? .init(line: 1, column: 1),
                rule: .changedSinceApproval,
                message: "the page or a source it cites has changed since it was approved",
                hint: "review the changes and approve again with 'sourced approve \(page.file) --reviewer NAME'")
        ]
    }

    private static func excerpt(_ text: String) -> String {
        let collapsed = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return collapsed.count > 60 ? String(collapsed.prefix(57)) + "…" : collapsed
    }
}

extension Claim.Kind {
    var description: String {
        switch self {
        case .paragraph: "paragraph"
        case .listItem: "list item"
        case .tableRow: "table row"
        }
    }
}
