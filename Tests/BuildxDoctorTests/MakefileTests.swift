import BuildxDoctor
import Testing

@Suite("Makefile reader")
struct MakefileTests {
    @Test func rulesRecipesAndPrefixes() throws {
        let text = """
            .PHONY: build push
            build: deps
            \t@docker buildx build --cache-to type=gha .
            \t-echo done

            \t+make -C sub
            push:
            \tdocker push app

            """
        let makefile = Makefile.parse(text)
        #expect(makefile.problems.isEmpty)
        #expect(makefile.rules.map { $0.targets.map(\.value) } == [[".PHONY"], ["build"], ["push"]])
        #expect(makefile.rules[0].prerequisites.map(\.value) == ["build", "push"])
        let build = try #require(makefile.rules(for: "build").first)
        #expect(build.range == byteRange(of: "build: deps", in: text))
        #expect(build.targets.first?.range == byteRange(of: "build", in: text, occurrence: 1))
        #expect(build.prerequisites.map(\.value) == ["deps"])
        #expect(build.recipe.map(\.text.text) == ["docker buildx build --cache-to type=gha .", "echo done", "make -C sub"])
        #expect(build.recipe.map(\.isSilent) == [true, false, false])
        #expect(build.recipe.map(\.ignoresErrors) == [false, true, false])
        #expect(build.recipe.map(\.alwaysRuns) == [false, false, true])
        #expect(build.recipe[0].range == byteRange(of: "@docker buildx build --cache-to type=gha .", in: text))
        let command = try #require(build.recipe[0].script.commands.first)
        #expect(command.words[4].range == byteRange(of: "type=gha", in: text))
        #expect(makefile.defaultGoal == "build")
    }

    @Test func variablesExpandInRecipesWithTheirFinalValues() throws {
        let text = """
            REGISTRY = ghcr.io/acme
            IMAGE := $(REGISTRY)/app
            TAG ?= latest
            TAG ?= ignored
            FLAGS = --push
            FLAGS += --platform linux/amd64
            release:
            \tdocker buildx build $(FLAGS) -t ${IMAGE}:$(TAG) --cache-to type=registry,ref=$(CACHE) $$HOME .
            CACHE = $(REGISTRY)/cache

            """
        let makefile = Makefile.parse(text)
        #expect(makefile.variables.map(\.name) == ["REGISTRY", "IMAGE", "TAG", "TAG", "FLAGS", "FLAGS", "CACHE"])
        #expect(makefile.variables.map(\.flavor) == [.recursive, .simple, .conditional, .conditional, .recursive, .append, .recursive])
        #expect(makefile.variables[1].text == "$(REGISTRY)/app")
        #expect(makefile.variables[1].nameRange == byteRange(of: "IMAGE", in: text))
        #expect(makefile.value(of: "IMAGE") == "ghcr.io/acme/app")
        #expect(makefile.value(of: "TAG") == "latest")
        #expect(makefile.value(of: "FLAGS") == "--push --platform linux/amd64")
        let line = try #require(makefile.rules.first?.recipe.first)
        #expect(line.text.text == "docker buildx build --push --platform linux/amd64 -t ghcr.io/acme/app:latest --cache-to type=registry,ref=ghcr.io/acme/cache $HOME .")
        #expect(line.text.unknown.isEmpty)
        let words = try #require(line.script.commands.first?.words)
        #expect(words.map(\.displayText) == [
            "docker", "buildx", "build", "--push", "--platform", "linux/amd64", "-t", "ghcr.io/acme/app:latest", "--cache-to",
            "type=registry,ref=ghcr.io/acme/cache", "$HOME", ".",
        ])
        // Expanded text points at the reference that produced it; the rest at its own bytes.
        #expect(words[3].range == byteRange(of: "$(FLAGS)", in: text))
        #expect(words[7].range == byteRange(of: "${IMAGE}:$(TAG)", in: text))
        #expect(words[9].inputRange(ofValue: 0..<13) == byteRange(of: "type=registry", in: text))
        #expect(words[9].inputRange(ofValue: 18..<36) == byteRange(of: "$(CACHE)", in: text))
        #expect(words[10].parts == [.unknown(source: "$HOME")])
        #expect(words[10].range == byteRange(of: "$$HOME", in: text))
    }

    @Test func whatMakeDecidesAtRunTimeIsUnknown() throws {
        let text = """
            SHA != git rev-parse HEAD
            DATE := $(shell date +%s)
            build:
            \tdocker build -t app:$(SHA) -t app:$(DATE) -t $(UNDEFINED) --label $(subst a,b,$(SHA)) .

            """
        let line = try #require(Makefile.parse(text).rules.first?.recipe.first)
        let words = try #require(line.script.commands.first?.words)
        #expect(words[3].parts == [.literal("app:"), .unknown(source: "$(SHA)")])
        #expect(words[5].parts == [.literal("app:"), .unknown(source: "$(shell date +%s)")])
        #expect(words[7].parts == [.unknown(source: "$(UNDEFINED)")])
        #expect(words[9].parts == [.unknown(source: "$(subst a,b,$(SHA))")])
        #expect(words[9].range == byteRange(of: "$(subst a,b,$(SHA))", in: text))
        #expect(line.text.unknown.count == 4)
    }

    @Test func automaticVariables() throws {
        let text = "image: Dockerfile src\n\tdocker build -f $< -t $@ . # $^\nall: a b\n\techo $@\n"
        let makefile = Makefile.parse(text)
        #expect(makefile.rules[0].recipe.first?.script.commands.first?.words.map(\.displayText) == ["docker", "build", "-f", "Dockerfile", "-t", "image", "."])
        #expect(makefile.rules[0].recipe.first?.text.text == "docker build -f Dockerfile -t image . # Dockerfile src")
        #expect(makefile.rules[1].recipe.first?.script.commands.first?.words.map(\.displayText) == ["echo", "all"])
    }

    @Test func recipeContinuationLinesReachTheShellAsOneLine() throws {
        let text = "build:\n\tdocker buildx build \\\n\t  --push \\\r\n\t  .\n\techo next\n"
        let makefile = Makefile.parse(text)
        let recipe = try #require(makefile.rules.first?.recipe)
        #expect(recipe.count == 2)
        #expect(recipe[0].text.text == "docker buildx build \\\n  --push \\\r\n  .")
        #expect(recipe[0].range == byteRange(of: "docker buildx build \\\n\t  --push \\\r\n\t  .", in: text))
        let words = try #require(recipe[0].script.commands.first?.words)
        #expect(words.map(\.literal) == ["docker", "buildx", "build", "--push", "."])
        #expect(words[3].range == byteRange(of: "--push", in: text))
        #expect(words[4].range == byteRange(of: ".", in: text, occurrence: 0))
        #expect(recipe[0].map.inputOffset(of: 24) == byteRange(of: "--push", in: text).lowerBound)
        #expect(recipe[0].map.inputOffset(of: 21) == byteRange(of: "\n\t  --push", in: text).lowerBound)
    }

    @Test func recursiveMakeIsMake() throws {
        let text = "all:\n\t$(MAKE) -C services build\n"
        let command = try #require(Makefile.parse(text).rules.first?.recipe.first?.script.commands.first)
        #expect(command.words.map(\.literal) == ["make", "-C", "services", "build"])
        #expect(command.words[0].range == byteRange(of: "$(MAKE)", in: text))
        guard case .make(let make)? = DockerCommand.recognize(command) else { Issue.record("not make"); return }
        #expect(make.directory?.literal == "services")
        #expect(make.targets.map(\.literal) == ["build"])
    }

    @Test func aRecipeOnTheRuleLine() throws {
        let text = "build: ; docker build .\n"
        let rule = try #require(Makefile.parse(text).rules.first)
        #expect(rule.prerequisites.isEmpty)
        #expect(rule.recipe.first?.text.text == "docker build .")
        #expect(rule.recipe.first?.script.commands.first?.words.first?.range == byteRange(of: "docker", in: text))
    }

    @Test func prefixesMayComeFromVariables() throws {
        let text = "Q = @\nbuild:\n\t$(Q)docker build .\n"
        let line = try #require(Makefile.parse(text).rules.first?.recipe.first)
        #expect(line.isSilent)
        #expect(line.text.text == "docker build .")
        #expect(line.script.commands.first?.words.first?.range == byteRange(of: "docker", in: text))
    }

    @Test func conditionalsKeepTheirContentButMarkIt() throws {
        let text = """
            ifdef CI
            CACHE = --cache-to type=gha
            build:
            \tdocker build $(CACHE) .
            else
            build:
            \tdocker build .
            endif
            test:
            \tdocker build $(CACHE) .

            """
        let makefile = Makefile.parse(text)
        #expect(makefile.problems.isEmpty)
        #expect(makefile.rules.map(\.isConditional) == [true, true, false])
        #expect(makefile.rules.map { $0.recipe.first?.isConditional } == [true, true, false])
        #expect(makefile.variables.first?.isConditional == true)
        #expect(makefile.value(of: "CACHE") == nil)
        #expect(makefile.rules[2].recipe.first?.script.commands.first?.words[2].parts == [.unknown(source: "$(CACHE)")])
    }

    @Test func conditionalsInsideARecipeDoNotEndIt() throws {
        let text = "build:\n\techo a\nifeq ($(X),1)\n\techo b\nendif\n\techo c\n"
        let recipe = try #require(Makefile.parse(text).rules.first?.recipe)
        #expect(recipe.map(\.text.text) == ["echo a", "echo b", "echo c"])
        #expect(recipe.map(\.isConditional) == [false, true, false])
    }

    @Test func targetSpecificVariablesAreUnknownInRecipes() throws {
        let text = "IMAGE = app\nrelease: IMAGE = app-release\nrelease:\n\tdocker push $(IMAGE)\n"
        let makefile = Makefile.parse(text)
        #expect(makefile.rules.count == 1)
        #expect(makefile.rules[0].recipe.first?.script.commands.first?.words[2].parts == [.unknown(source: "$(IMAGE)")])
    }

    @Test func commandLineOverridesWinUnlessOverride() throws {
        let text = "IMAGE = app\noverride TAG = fixed\nb:\n\techo $(IMAGE) $(TAG)\n"
        let makefile = Makefile.parse(text, overrides: ["IMAGE": "other", "TAG": "cli"])
        #expect(makefile.rules.first?.recipe.first?.text.text == "echo other fixed")
        #expect(makefile.variables.map(\.isOverride) == [false, true])
    }

    @Test func includesDefinesCommentsAndExports() throws {
        let text = """
            include common.mk $(EXTRA)
            -include local.mk
            # build: never
            export DOCKER_BUILDKIT = 1
            define SCRIPT
            build:
            \tdocker build .
            endef
            real: ; echo ok # comment

            """
        let makefile = Makefile.parse(text)
        #expect(makefile.problems.isEmpty)
        #expect(makefile.includes.map { $0.files.map(\.value) } == [["common.mk", nil], ["local.mk"]])
        #expect(makefile.includes.map(\.isOptional) == [false, true])
        #expect(makefile.includes[0].files[1].text == "$(EXTRA)")
        #expect(makefile.includes[0].range == byteRange(of: "include common.mk $(EXTRA)", in: text))
        #expect(makefile.variables.map(\.name) == ["DOCKER_BUILDKIT", "SCRIPT"])
        #expect(makefile.variables.map(\.isExported) == [true, false])
        #expect(makefile.variables[1].flavor == .define)
        #expect(makefile.rules.map { $0.targets.map(\.value) } == [["real"]])
        #expect(makefile.rules[0].recipe.first?.text.text == "echo ok ")
        #expect(makefile.defaultGoal == "real")
    }

    @Test func continuationLinesOutsideRecipesJoin() {
        let text = "IMAGE = ghcr.io/acme/\\\n    app\nbuild: a \\\n  b\n"
        let makefile = Makefile.parse(text)
        #expect(makefile.value(of: "IMAGE") == "ghcr.io/acme/ app")
        #expect(makefile.rules.first?.prerequisites.map(\.value) == ["a", "b"])
        let b = byteRange(of: "  b\n", in: text).lowerBound + 2
        #expect(makefile.rules.first?.prerequisites.last?.range == b..<(b + 1))
    }

    @Test func defaultGoal() {
        #expect(Makefile.parse(".PHONY: x\n%.o: %.c\n\tcc $<\nx:\n").defaultGoal == "x")
        #expect(Makefile.parse("a:\nb:\n.DEFAULT_GOAL := b\n").defaultGoal == "b")
        #expect(Makefile.parse("A = 1\n").defaultGoal == nil)
    }

    @Test func brokenMakefilesGiveProblems() throws {
        let text = """
            build:
                docker build .
            endif
            ifdef X
            define Y

            """
        let makefile = Makefile.parse(text)
        #expect(makefile.problems.map(\.message) == [
            "missing separator: neither a rule (`target:`) nor an assignment (`NAME = value`)",
            "`endif` without `ifeq`, `ifneq`, `ifdef` or `ifndef`", "`define` without `endef`", "conditional without `endif`",
        ])
        #expect(makefile.problems.map(\.offset) == [7, 26, 40, 32])
        #expect(makefile.rules.first?.recipe.isEmpty == true)
    }

    @Test func aShellProblemInARecipeIsReportedAtItsMakefileOffset() throws {
        let text = "build:\n\techo 'open\n\techo next\n"
        let recipe = try #require(Makefile.parse(text).rules.first?.recipe)
        #expect(recipe[0].script.problems.map(\.offset) == [byteRange(of: "'open", in: text).lowerBound])
        #expect(recipe[1].script.commands.first?.words.map(\.literal) == ["echo", "next"])
    }

    @Test func crlfMakefiles() throws {
        let text = "IMAGE = app\r\nbuild:\r\n\tdocker build -t $(IMAGE) .\r\n"
        let makefile = Makefile.parse(text)
        #expect(makefile.value(of: "IMAGE") == "app")
        let words = try #require(makefile.rules.first?.recipe.first?.script.commands.first?.words)
        #expect(words.map(\.literal) == ["docker", "build", "-t", "app", "."])
        #expect(words[4].range == byteRange(of: ".", in: text))
    }

    @Test func recursiveLoopsAreUnknownNotEndless() throws {
        let text = "A = $(B)\nB = $(A)\nx:\n\techo $(A)\n"
        let word = try #require(Makefile.parse(text).rules.first?.recipe.first?.script.commands.first?.words.last)
        #expect(word.literal == nil)
    }

    @Test func randomTextNeverCrashes() {
        var generator = SplitMix(seed: 3)
        let alphabet = Array("ab $()\t\n:=?+!#\\@-;{}%".unicodeScalars)
        for _ in 0..<1_000 {
            var text = ""
            for _ in 0..<Int(generator.next() % 80) { text.unicodeScalars.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
            let size = text.utf8.count
            let makefile = Makefile.parse(text)
            for rule in makefile.rules {
                #expect(rule.range.upperBound <= size, "\(text.debugDescription)")
                for line in rule.recipe {
                    #expect(line.range.upperBound <= size, "\(text.debugDescription)")
                    for command in line.script.commands { #expect(command.range.upperBound <= size, "\(text.debugDescription)") }
                }
            }
        }
    }
}
