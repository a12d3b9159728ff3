import Foundation
import Testing

@testable import SourcedBuild

/// `audiences: [clinician, patient]` and `::: patient` … `:::` blocks: one page per audience,
/// each numbering its own citations, linked by a switch; every variant in the sitemap, the feed
/// and the search index; one approval for all of them.
@Suite struct AudienceVariantsTests {
    static let settings = """
        title: KB
        base_url: https://kb.example.org/
        audiences:
          clinician: Healthcare professional
          patient: Patient or caregiver
        audience_prompt: Who are you reading as?
        """

    static let page = """
        ---
        title: Hyponatremia
        summary: Low sodium.
        audiences: [clinician, patient]
        review:
          status: approved
          reviewed: 2026-10-01
          reviewers: [Dr A]
        references:
          - {id: shared, type: guideline, title: Shared guideline, doi: 10.1000/shared}
          - {id: trial, type: research, title: Saline trial, pmid: "123"}
          - {id: leaflet, type: web, title: Patient leaflet, url: https://example.org/leaflet}
        ---

        Sodium below 135 mmol/L is hyponatremia [@shared].

        ::: clinician

        ## Management

        Correct by at most 10 mmol/L in 24 hours [@trial; @shared].

        :::

        ::: patient

        ## What you can do

        Tell your doctor if you feel confused or sick [@leaflet].

        :::

        It is common in hospital [@shared].
        """

    func site(page: String = Self.page, settings: String = Self.settings) throws -> TempSite {
        try TempSite(["Content/site.yaml": settings, "Content/topics/hyponatremia.md": page])
    }

    func run(_ site: TempSite, _ arguments: [String] = ["build"]) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        try site.run(arguments + ["--templates", templatesPath, "--date", "2026-11-01"])
    }

    @Test func eachVariantIsItsOwnPageWithItsOwnTextAndNumbering() throws {
        let site = try site()
        let result = try run(site)
        #expect(result.status == 0, "\(result.stderr)")
        let clinician = try #require(site.read("Public/topics/hyponatremia/index.html"))
        let patient = try #require(site.read("Public/topics/hyponatremia/patient/index.html"))
        #expect(
            !site.exists("Public/topics/hyponatremia/clinician/index.html"), "the first audience is the page itself")

        #expect(clinician.contains("Correct by at most 10 mmol/L"))
        #expect(!clinician.contains("Tell your doctor"))
        #expect(patient.contains("Tell your doctor if you feel confused or sick"))
        #expect(!patient.contains("Correct by at most"))
        for html in [clinician, patient] {
            #expect(html.contains("Sodium below 135 mmol/L"), "text outside the blocks is for everyone")
            #expect(html.contains("It is common in hospital"))
            #expect(!html.contains(":::"), "the fences are not text")
        }
        // Numbered afresh: the leaflet is the patient variant's second source, and each variant
        // lists only what it cites.
        #expect(patient.contains(##"<a href="#ref-leaflet">2</a>"##))
        #expect(clinician.contains(##"<a href="#ref-trial">2</a>"##))
        #expect(patient.contains(#"<li id="ref-leaflet""#) && !patient.contains(#"<li id="ref-trial""#))
        #expect(clinician.contains(#"<li id="ref-trial""#) && !clinician.contains(#"<li id="ref-leaflet""#))
        #expect(clinician.contains(#"<h2 id="management">"#) && !patient.contains(#"id="management""#))

        // The switch, with the site's labels and question, the current variant marked.
        #expect(clinician.contains(#"<nav class="audience-switch" aria-label="Who are you reading as?">"#))
        #expect(
            clinician.contains(
                #"<li><a href="/topics/hyponatremia/" data-audience="clinician" aria-current="page">Healthcare professional</a></li><li><a href="/topics/hyponatremia/patient/" data-audience="patient">Patient or caregiver</a></li>"#
            ))
        #expect(
            patient.contains(
                #"<li><a href="/topics/hyponatremia/" data-audience="clinician">Healthcare professional</a></li><li><a href="/topics/hyponatremia/patient/" data-audience="patient" aria-current="page">Patient or caregiver</a></li>"#
            ))
        #expect(patient.contains("<title>Hyponatremia (Patient or caregiver) · KB</title>"))
        #expect(patient.contains(#"<link rel="canonical" href="https://kb.example.org/topics/hyponatremia/patient/">"#))
        #expect(site.exists("Public/assets/audience.js"))
    }

    @Test func theSitemapFeedAndSearchIndexListEveryVariant() throws {
        let site = try site()
        #expect(try run(site).status == 0)
        let sitemap = try #require(site.read("Public/sitemap.xml"))
        #expect(sitemap.contains("<loc>https://kb.example.org/topics/hyponatremia/</loc>"))
        #expect(sitemap.contains("<loc>https://kb.example.org/topics/hyponatremia/patient/</loc>"))
        let feed = try #require(site.read("Public/feed.xml"))
        #expect(feed.contains("<title>Hyponatremia</title>"))
        #expect(feed.contains("<title>Hyponatremia (Patient or caregiver)</title>"))
        #expect(feed.contains("<id>https://kb.example.org/topics/hyponatremia/patient/</id>"))

        let search = try #require(site.read("Public/search-index.json"))
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(search.utf8)) as? [[String: Any]])
        #expect(entries.count == 2)
        #expect(entries.map { $0["audience"] as? String } == ["clinician", "patient"])
        #expect(entries.map { $0["url"] as? String } == ["/topics/hyponatremia/", "/topics/hyponatremia/patient/"])
        #expect(entries.allSatisfy { $0["page"] as? String == "/topics/hyponatremia/" })
        #expect(entries[1]["audience_label"] as? String == "Patient or caregiver")
        #expect(entries[1]["headings"] as? [String] == ["What you can do"])
    }

    @Test func eachVariantsStructuredDataNamesItsAudienceAndSources() throws {
        let site = try site()
        #expect(try run(site).status == 0)
        let patient = try #require(site.read("Public/topics/hyponatremia/patient/index.html"))
        let start = try #require(patient.range(of: #"<script type="application/ld+json">"#))
        let end = try #require(patient.range(of: "</script>", range: start.upperBound..<patient.endIndex))
        let data = Data(patient[start.upperBound..<end.lowerBound].utf8)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["url"] as? String == "https://kb.example.org/topics/hyponatremia/patient/")
        let audience = try #require(json["audience"] as? [String: Any])
        #expect(audience["@type"] as? String == "MedicalAudience")
        #expect(audience["audienceType"] as? String == "Patient")
        #expect(audience["name"] as? String == "Patient or caregiver")
        let citations = try #require(json["citation"] as? [[String: Any]])
        #expect(citations.map { $0["name"] as? String } == ["Shared guideline", "Patient leaflet"])
    }

    @Test func oneApprovalCoversEveryVariant() throws {
        let site = try site(page: Self.page.replacingOccurrences(of: "status: approved", with: "status: in-review"))
        let approve = try site.run([
            "approve", "Content/topics/hyponatremia.md", "--reviewer", "Dr B", "--date", "2026-11-01",
        ])
        #expect(approve.status == 0, "\(approve.stderr)")
        let result = try run(site)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("changed-since-approval"))
        for path in ["Public/topics/hyponatremia/index.html", "Public/topics/hyponatremia/patient/index.html"] {
            #expect(site.read(path)?.contains(#"data-review-status="approved""#) == true, "\(path)")
        }
        // An edit inside one block changes the whole page's approval.
        let edited = try #require(site.read("Content/topics/hyponatremia.md"))
        try site.write(
            "Content/topics/hyponatremia.md",
            edited.replacingOccurrences(of: "feel confused or sick", with: "feel confused, sick or drowsy"))
        let after = try run(site, ["check"])
        #expect(after.stdout.contains("[changed-since-approval]"), "\(after.stdout)")
    }

    @Test func theClaimRuleAppliesInsideEveryBlock() throws {
        let site = try site(
            page: Self.page.replacingOccurrences(
                of: "Tell your doctor if you feel confused or sick [@leaflet].", with: "Tell your doctor."))
        let result = try run(site, ["check"])
        #expect(result.status == 1)
        #expect(
            result.stdout.contains(
                "Content/topics/hyponatremia.md:29:1: error: paragraph has no citation: 'Tell your doctor.' [uncited-claim]"
            ),
            "\(result.stdout)")
        // The leaflet is cited nowhere else now.
        #expect(result.stdout.contains("[unused-reference]"))
    }

    @Test func wrongFencesAreInvalidAudienceAtTheirOpeningLineAndNothingIsWritten() throws {
        let page = """
            ---
            title: Bad
            audiences: [clinician, patient]
            review:
              status: draft
            references:
              - {id: s, title: S}
            ---

            ::: patient

            Text [@s].

            ::: clinician

            Nested [@s].

            :::

            :::

            ::: nurse

            Unknown [@s].

            :::

            ::: patient
            Glued to its fence [@s].
            :::

            - An item [@s]

              ::: patient

            ```
            ::: patient
            ```

            ::: patient

            Never closed [@s].
            """
        let site = try site(page: page)
        let result = try run(site, ["check"])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").filter { $0.hasSuffix("[invalid-audience]") }
        #expect(
            lines == [
                "Content/topics/hyponatremia.md:14:1: error: audience blocks do not nest: '::: patient' (line 10) is still open [invalid-audience]",
                "Content/topics/hyponatremia.md:20:1: error: ':::' closes no audience block [invalid-audience]",
                "Content/topics/hyponatremia.md:22:1: error: audience 'nurse' is not one of this page's audiences [invalid-audience]",
                "Content/topics/hyponatremia.md:28:1: error: an audience fence must be a paragraph of its own [invalid-audience]",
                "Content/topics/hyponatremia.md:34:3: error: an audience fence must stand at the top level of the page, not inside a list or a quote [invalid-audience]",
                "Content/topics/hyponatremia.md:40:1: error: audience block '::: patient' is not closed [invalid-audience]",
            ], "\(result.stdout)")
        // A fence in a code block is code.
        #expect(!result.stdout.contains(":37:"))
        #expect(try run(site).status == 1)
        #expect(!site.exists("Public/index.html"), "a failed build writes nothing")
    }

    @Test func frontMatterAudiencesAreChecked() throws {
        let both = Self.page.replacingOccurrences(
            of: "audiences: [clinician, patient]", with: "audience: clinician\naudiences: [clinician, patient]")
        var result = try run(try site(page: both), ["check"])
        #expect(result.status == 1)
        #expect(
            result.stdout.contains(
                "Content/topics/hyponatremia.md:4:11: error: a page gives 'audience' (a label) or 'audiences' (its variants), not both [front-matter]"
            ), "\(result.stdout)")

        let unknown = Self.page.replacingOccurrences(
            of: "audiences: [clinician, patient]", with: "audiences: [clinician, pateint]")
        result = try run(try site(page: unknown), ["check"])
        #expect(
            result.stdout.contains(
                "Content/topics/hyponatremia.md:4:24: error: audience 'pateint' is not one of site.yaml's audiences [invalid-audience]"
            ), "\(result.stdout)")
        #expect(result.stdout.contains("did you mean 'patient'?"))
        // Its block then names an audience the page does not list.
        #expect(result.stdout.contains(":25:1: error: audience 'patient' is not one of this page's audiences"))

        let notAName = Self.page.replacingOccurrences(
            of: "audiences: [clinician, patient]", with: "audiences: [clinician, Patient Group]")
        result = try run(try site(page: notAName, settings: "title: KB\n"), ["check"])
        #expect(
            result.stdout.contains(
                "4:24: error: audience 'Patient Group' may hold only lower-case letters, digits, '-' and '_' [invalid-audience]"
            ), "\(result.stdout)")
    }

    @Test func withoutSiteLabelsAnAudienceIsLabelledByItsName() throws {
        let site = try site(settings: "title: KB\n")
        #expect(try run(site).status == 0)
        let patient = try #require(site.read("Public/topics/hyponatremia/patient/index.html"))
        #expect(patient.contains(#"<nav class="audience-switch" aria-label="Which best describes you?">"#))
        #expect(patient.contains(#"data-audience="patient" aria-current="page">Patient</a>"#))
    }

    @Test func aPageWithoutAudiencesHasNoSwitch() throws {
        let plain = Self.page.replacingOccurrences(of: "audiences: [clinician, patient]\n", with: "")
            .replacingOccurrences(of: "::: clinician\n\n", with: "").replacingOccurrences(
                of: "::: patient\n\n", with: ""
            )
            .replacingOccurrences(of: ":::\n\n", with: "")
        let site = try site(page: plain)
        let result = try run(site)
        #expect(result.status == 0, "\(result.stderr)")
        let page = try #require(site.read("Public/topics/hyponatremia/index.html"))
        #expect(!page.contains("audience-switch"))
        #expect(page.contains("Correct by at most") && page.contains("Tell your doctor"))
        #expect(!site.exists("Public/topics/hyponatremia/patient/index.html"))
    }

    @Test func anEditInsideOneBlockRemakesThatVariant() throws {
        let other = Self.page.replacingOccurrences(of: "title: Hyponatremia", with: "title: Other")
        let site = try TempSite([
            "Content/site.yaml": Self.settings, "Content/topics/hyponatremia.md": Self.page,
            "Content/topics/other.md": other,
        ])
        #expect(try run(site).status == 0)
        #expect(try run(site).status == 0)
        // The third build writes into the first one's folder; a page is kept when all of its
        // variants are.
        #expect(try run(site).stdout.hasPrefix("Built 2 of 2 pages (2 unchanged, kept as they were), "))
        let clinician = try #require(site.read("Public/topics/hyponatremia/index.html"))
        try site.write(
            "Content/topics/hyponatremia.md",
            Self.page.replacingOccurrences(of: "feel confused or sick", with: "feel drowsy"))
        // `run` builds again without the cache and compares: the kept files are the same bytes.
        let result = try run(site)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("Built 2 of 2 pages (1 unchanged, kept as they were), "), "\(result.stdout)")
        #expect(site.read("Public/topics/hyponatremia/patient/index.html")?.contains("feel drowsy") == true)
        #expect(site.read("Public/topics/hyponatremia/index.html") == clinician)
    }

    @Test func labelsAndThePromptAreEscapedEverywhere() throws {
        let hostile = """
            title: KB
            base_url: https://kb.example.org/
            audiences:
              clinician: "<script>alert(1)</script> & \\"pros\\""
              patient: "</script><b>Patients</b>"
            audience_prompt: "<img src=x onerror=alert(1)> Who?"
            """
        let site = try site(settings: hostile)
        let result = try run(site)
        #expect(result.status == 0, "\(result.stderr)")
        for path in [
            "Public/topics/hyponatremia/index.html", "Public/topics/hyponatremia/patient/index.html",
            "Public/feed.xml", "Public/search-index.json",
        ] {
            let text = try #require(site.read(path), "\(path)")
            #expect(!text.contains("<script>alert"), "\(path)")
            #expect(!text.contains("<b>Patients"), "\(path)")
            #expect(!text.contains("<img"), "\(path)")
        }
        let patient = try #require(site.read("Public/topics/hyponatremia/patient/index.html"))
        #expect(patient.contains("&lt;/script&gt;&lt;b&gt;Patients&lt;/b&gt;</a>"))
        #expect(patient.contains(#"aria-label="&lt;img src=x onerror=alert(1)&gt; Who?""#))
        // In the JSON-LD the label is a \u escape: it cannot close the script element.
        #expect(patient.contains(#""name":"\u003c/script\u003e\u003cb\u003ePatients\u003c/b\u003e""#))
    }
}
