import Foundation
import SourcedCore
import Testing

@testable import SourcedBuild

/// `site.yaml`'s `sources.retractions`: the Retraction Watch data set (Crossref's CSV) gives
/// the cited sources their retractions, corrections and expressions of concern, by DOI
/// (case-insensitive) or PMID; a later reinstatement clears a retraction.
@Suite struct RetractionWatchTests {
    static let fixture = packageRoot.appendingPathComponent("Tests/SourcedBuildTests/Fixtures/retraction_watch.csv")

    static let page = """
        ---
        title: A
        review:
          status: draft
        references:
          - {id: bad, title: Bad, doi: 10.1000/bad.1}
          - {id: fixed, title: Fixed, doi: 10.1000/fixed.2}
          - {id: back, title: Back, doi: 10.1000/back.3}
          - {id: byid, title: By PMID, pmid: "30000005"}
          - {id: good, title: Good, doi: 10.1000/good.3}
          - {id: stated, title: Bad, doi: 10.1000/BAD.1, status: corrected}
        ---

        A [@bad]. B [@fixed]. C [@back]. D [@byid]. E [@good]. F [@stated].
        """

    func site(settings: String = "title: S\nsources:\n  retractions: data/retraction_watch.csv\n") throws -> TempSite {
        let site = try TempSite(["Content/site.yaml": settings, "Content/topics/a.md": Self.page])
        try site.write("Content/data/retraction_watch.csv", bytes: Array(try Data(contentsOf: Self.fixture)))
        return site
    }

    func run(_ site: TempSite, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try site.run(arguments + ["--templates", templatesPath, "--date", "2026-11-01"])
    }

    @Test func theDataSetGivesTheCitedSourcesTheirStatuses() throws {
        let result = try run(try site(), ["check"])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") }
        #expect(
            lines == [
                "Content/topics/a.md:14:4: error: 'bad' was retracted on 2026-03-09: Retraction Watch record 90001: Concerns/Issues About Data; Investigation by Journal/Publisher [retracted-source]",
                "Content/topics/a.md:14:14: warning: 'fixed' was corrected on 2024-05-01: Retraction Watch record 90002: Error in Figures [corrected-source]",
                "Content/topics/a.md:14:37: warning: 'byid' has an expression of concern on 2025-07-07: Retraction Watch record 90005: Concerns/Issues About Results [source-concern]",
                "Content/topics/a.md:14:59: warning: 'stated' was corrected [corrected-source]",
                "1 error, 3 warnings in 1 page",
            ], "\(result.stdout)")
        // The notice links the retraction's own DOI.
        #expect(result.stdout.contains("the notice: https://doi.org/10.1000/retr.1"))
    }

    @Test func theStatusShowsOnThePageAndTheDataIsNotPublished() throws {
        let site = try site(
            settings: "title: S\nsources:\n  retractions: data/retraction_watch.csv\n  retracted: warning\n")
        let result = try run(site, ["build"])
        #expect(result.status == 0, "\(result.stderr)")
        let page = try #require(site.read("Public/topics/a/index.html"))
        #expect(page.contains(#"<li id="ref-bad" class="reference reference-other" data-source-status="retracted">"#))
        #expect(page.contains(#"<a href="https://doi.org/10.1000/retr.1" rel="external">Notice</a>"#))
        #expect(!page.contains(#"<li id="ref-back" class="reference reference-other" data-source-status"#))
        #expect(!site.exists("Public/data/retraction_watch.csv"), "the data set is read, not published")
    }

    @Test func aChangedDataFileIsReadAgain() throws {
        let site = try site()
        #expect(try run(site, ["check", "--cache", ".cache"]).stdout.contains("[retracted-source]"))
        #expect(site.exists(".cache/retractions.bin"), "check --cache keeps what it read")
        #expect(try run(site, ["build"]).status == 1)
        // A reinstatement row for the retracted paper, dated after its retraction.
        let csv = try #require(site.read("Content/data/retraction_watch.csv"))
        try site.write(
            "Content/data/retraction_watch.csv",
            csv
                + "90007,Back,(HSC),Inst,J,P,C,Au,,Research Article;,5/5/2026 0:00,,,1/2/2019 0:00,10.1000/bad.1,,Reinstatement,,No,\n"
        )
        let after = try run(site, ["check"])
        #expect(!after.stdout.contains("'bad' was retracted"), "\(after.stdout)")
        // The later correction (90006) then stands.
        #expect(after.stdout.contains("'bad' was corrected on 2026-04-01"), "\(after.stdout)")
    }

    @Test func aBuildKeepsTheStatusesAndUsesThemAgain() throws {
        let site = try site(
            settings: "title: S\nsources:\n  retractions: data/retraction_watch.csv\n  retracted: warning\n")
        let first = try run(site, ["build"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(site.exists(".sourced-cache/retractions.bin"))
        // With the data file replaced by one that is not the data set, only the kept statuses
        // could give the same result: a changed file is read again.
        let second = try run(site, ["build"])
        #expect(second.stderr == first.stderr)
        try site.write("Content/data/retraction_watch.csv", "Record ID,Title\n1,x\n")
        let third = try run(site, ["build"])
        #expect(third.status == 1)
        #expect(third.stderr.contains("retraction_watch.csv lacks the columns"), "\(third.stderr)")
    }

    @Test func aMissingOrWrongFileIsReported() throws {
        let missing = try site(settings: "title: S\nsources:\n  retractions: nowhere.csv\n")
        var result = try run(missing, ["check"])
        #expect(result.status == 1)
        #expect(
            result.stdout.contains(
                "Content/site.yaml:3:3: error: 'sources.retractions' names 'nowhere.csv', which is not a file in the content folder [invalid-reference]"
            ), "\(result.stdout)")
        let outside = try site(settings: "title: S\nsources:\n  retractions: ../x.csv\n")
        result = try run(outside, ["check"])
        #expect(
            result.stdout.contains(
                "Content/site.yaml:3:16: error: 'retractions' must be a path inside the content folder"))
    }

    // MARK: Units

    @Test func datesAreMonthDayYear() {
        #expect(RetractionWatch.day("3/9/2026 0:00") == Day("2026-03-09"))
        #expect(RetractionWatch.day("12/31/2020") == Day("2020-12-31"))
        #expect(RetractionWatch.day("13/1/2020 0:00") == nil)
        #expect(RetractionWatch.day("unavailable") == nil)
    }

    @Test func noticesCombineInDateOrder() {
        typealias Notice = RetractionWatch.Notice
        func notice(_ record: String, _ nature: Notice.Nature, _ date: String) -> Notice {
            Notice(record: record, nature: nature, date: Day(date), noticeDOI: nil, reason: nil)
        }
        let retracted = notice("1", .retraction, "2024-01-01")
        let corrected = notice("2", .correction, "2025-01-01")
        let reinstated = notice("3", .reinstatement, "2026-01-01")
        let concern = notice("4", .expressionOfConcern, "2023-01-01")
        #expect(RetractionWatch.status([corrected, retracted])?.kind == .retracted)
        #expect(RetractionWatch.status([reinstated, retracted]) == nil)
        #expect(RetractionWatch.status([reinstated, corrected, retracted])?.kind == .corrected)
        #expect(RetractionWatch.status([concern, corrected])?.kind == .expressionOfConcern)
        #expect(RetractionWatch.status([concern, retracted])?.kind == .retracted)
    }

    @Test func onlyRecordsNamingACitedIdentifierAsAFieldAreParsed() {
        let csv = Array(
            """
            Record ID,OriginalPaperDOI,Notes
            1,10.1/a,x
            2,"10.1/b","a ""quoted"" note,
            over two lines naming 10.1/c"
            3,10.1/d,"mentions 10.1/a, as text"
            """.utf8)
        let header = csv.firstIndex(of: UInt8(ascii: "\n"))!
        var wanted = RetractionWatch.Identities()
        wanted.dois = ["10.1/a", "10.1/b", "10.1/c"]
        let records = RetractionWatch.candidateRecords(csv, from: header, wanted: wanted)
        let texts = records.map { String(decoding: csv[$0], as: UTF8.self) }
        #expect(texts.count == 2)
        #expect(texts[0] == "1,10.1/a,x")
        #expect(texts[1].hasPrefix("2,\"10.1/b\"") && texts[1].hasSuffix("naming 10.1/c\""))
    }

    @Test func theMemoIsUsedOnlyForTheSameProgramFileAndSources() throws {
        let folder = try TempSite([:])
        var info = stat()
        #expect(lstat(folder.root.path, &info) == 0)
        let identity = ContentLoader.FileIdentity(info)
        let memo = RetractionMemo(file: folder.root.appendingPathComponent("m.bin").path, program: "p1")
        var statuses = RetractionWatch.Statuses()
        statuses.byDOI["10.1/a"] = SourceStatus(kind: .retracted, date: Day("2026-01-02"), note: "n")
        statuses.byPMID["123"] = SourceStatus(kind: .corrected)
        memo.save(path: "d.csv", identity: identity, cited: "3:ab:cd", (statuses, []))
        #expect(memo.load(path: "d.csv", identity: identity, cited: "3:ab:cd")?.0 == statuses)
        #expect(memo.load(path: "d.csv", identity: identity, cited: "3:ab:ce") == nil)
        #expect(memo.load(path: "e.csv", identity: identity, cited: "3:ab:cd") == nil)
        var later = identity
        later.modifiedNanoseconds += 1
        #expect(memo.load(path: "d.csv", identity: later, cited: "3:ab:cd") == nil)
        #expect(
            RetractionMemo(file: memo.file, program: "p2").load(path: "d.csv", identity: identity, cited: "3:ab:cd")
                == nil)
        // The digest of the cited sources ignores their order and the case of DOIs.
        let a = Reference(id: "a", title: "A", doi: "10.1/X"), b = Reference(id: "b", title: "B", pmid: "9")
        #expect(RetractionWatch.digest { [a, b].forEach($0) } == RetractionWatch.digest { [b, a].forEach($0) })
        #expect(
            RetractionWatch.digest { $0(a) }
                == RetractionWatch.digest { $0(Reference(id: "a", title: "A", doi: "10.1/x")) })
        #expect(RetractionWatch.digest { $0(a) } != RetractionWatch.digest { $0(b) })
    }
}
