import SourcedCore

/// The checks of the last run, per page, for the preview's rebuilds.
struct CheckCache: Sendable {
    struct Entry: Sendable {
        var page: SitePage
        /// What the page's own checks found; they depend only on the page (which is reused
        /// only while the settings, the day and the bibliography stay the same).
        var own: [Diagnostic]
        /// What its link checks found; they also depend on what links can point at.
        var links: [Diagnostic]
    }

    var pages: [String: Entry] = [:]
    var attachments: Set<String>?

    /// Every diagnostic `SiteChecks.run` gives, taking each page's from the last run when they
    /// cannot have changed: the page is the one checked last time and, for its links, no page
    /// or anchor or attachment appeared or went. Afterwards this holds this run's.
    mutating func run(_ site: Site) -> [Diagnostic] {
        let linksUnchanged = linkTargetsUnchanged(site)
        let exempt = SiteChecks.exemptSections(site)
        var diagnostics = SiteChecks.siteWide(site)
        var checked: [String: Entry] = [:]
        for page in site.pages {
            let path = page.result.relativePath
            var entry: Entry
            if let previous = pages[path], previous.page === page {
                entry = previous
                if !linksUnchanged { entry.links = SiteChecks.links(page, site) }
            } else {
                entry = Entry(
                    page: page, own: SiteChecks.own(page, site, exempt: exempt), links: SiteChecks.links(page, site))
            }
            diagnostics += entry.own + entry.links
            checked[path] = entry
        }
        self = CheckCache(pages: checked, attachments: site.attachments)
        return diagnostics
    }

    /// Whether everything a link can point at (pages, their headings, attachments) is as it
    /// was at the last run. A page checked last time as this very object has the same headings.
    func linkTargetsUnchanged(_ site: Site) -> Bool {
        guard attachments == site.attachments, pages.count == site.pages.count else { return false }
        return site.pages.allSatisfy { page in
            guard let previous = pages[page.result.relativePath]?.page else { return false }
            return previous === page || (previous.anchors == page.anchors && previous.isPublished == page.isPublished)
        }
    }
}
