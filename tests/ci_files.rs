//! The CI files `shenbao init` writes, and this repository's release workflow: valid against the
//! schemas GitHub's and GitLab's editors use (`tests/schemas/`, validated with the `jsonschema`
//! crate); the install step really installs the release archive that `release.yml` packs, checks
//! its SHA-256 and builds from the repository without one; the daily reminder job runs
//! `shenbao remind` only with a channel's secret, through that channel, keeping its record of what
//! was sent in a cache.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::shenbao;
use serde_json::Value as Json;

/// A fresh `shenbao init` campaign.
struct Campaign {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Campaign {
    fn new() -> Campaign {
        let dir = tempfile::tempdir().unwrap();
        let run = shenbao(dir.path(), &["init", "campaign"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let root = dir.path().join("campaign");
        Campaign { _dir: dir, root }
    }

    fn text(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }

    fn yaml(&self, rel: &str) -> Json {
        yaml(&self.text(rel))
    }

    fn github(&self) -> Json {
        self.yaml(".github/workflows/shenbao.yml")
    }

    fn gitlab(&self) -> Json {
        self.yaml(".gitlab-ci.yml")
    }
}

fn yaml(text: &str) -> Json {
    serde_saphyr::from_str(text).expect("YAML")
}

fn repo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn release_workflow() -> Json {
    yaml(&std::fs::read_to_string(repo_file(".github/workflows/release.yml")).unwrap())
}

fn validator(schema: &str) -> jsonschema::Validator {
    let schema: Json =
        serde_json::from_slice(&std::fs::read(repo_file("tests/schemas").join(schema)).unwrap())
            .unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{schema} compiles: {e}"))
}

fn errors(validator: &jsonschema::Validator, doc: &Json) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn init_and_release_workflows_are_valid_github_workflows() {
    let github = validator("github-workflow.json");
    let campaign = Campaign::new();
    assert_eq!(errors(&github, &campaign.github()), Vec::<String>::new());
    assert_eq!(errors(&github, &release_workflow()), Vec::<String>::new());
}

#[test]
fn init_gitlab_file_is_valid_gitlab_ci() {
    let gitlab = validator("gitlab-ci.json");
    assert_eq!(
        errors(&gitlab, &Campaign::new().gitlab()),
        Vec::<String>::new()
    );
}

/// Each validator can fail: a defect planted in a valid file is caught. (`check-jsonschema`
/// with the same schemas rejects each of these too, and accepts the files as written.)
#[test]
fn the_validators_reject_planted_defects() {
    let github = validator("github-workflow.json");
    let gitlab = validator("gitlab-ci.json");
    let campaign = Campaign::new();
    type Plant = fn(&mut Json);

    let planted: [(&str, Plant); 3] = [
        ("a job without runs-on", |w| {
            w["jobs"]["site"].as_object_mut().unwrap().remove("runs-on");
        }),
        ("a step with a misspelt key", |w| {
            let step = &mut w["jobs"]["check"]["steps"][0];
            let with = step.as_object_mut().unwrap().remove("with").unwrap();
            step["whith"] = with;
        }),
        ("a trigger with a misspelt filter", |w| {
            w["on"]["push"]["branchs"] = w["on"]["push"]["branches"].take();
        }),
    ];
    for (defect, plant) in planted {
        let mut doc = campaign.github();
        plant(&mut doc);
        assert!(
            !errors(&github, &doc).is_empty(),
            "the GitHub schema let through {defect}"
        );
    }
    let planted: [(&str, Plant); 2] = [
        ("tags that are not a list", |w| {
            w["on"]["push"]["tags"] = "v*".into();
        }),
        ("a permission GitHub does not have", |w| {
            w["permissions"]["contents"] = "everything".into();
        }),
    ];
    for (defect, plant) in planted {
        let mut doc = release_workflow();
        plant(&mut doc);
        assert!(
            !errors(&github, &doc).is_empty(),
            "the GitHub schema let through a release workflow with {defect}"
        );
    }

    let planted: [(&str, Plant); 3] = [
        ("artifacts kept at a time GitLab does not know", |c| {
            c["check"]["artifacts"]["when"] = "sometimes".into();
        }),
        ("a rule with a misspelt key", |c| {
            c["check"]["rules"][0] =
                serde_json::json!({"iff": "$CI_PIPELINE_SOURCE == \"merge_request_event\""});
        }),
        ("a job whose script is a number", |c| {
            c["pages"]["script"] = 3.into();
        }),
    ];
    for (defect, plant) in planted {
        let mut doc = campaign.gitlab();
        plant(&mut doc);
        assert!(
            !errors(&gitlab, &doc).is_empty(),
            "the GitLab schema let through {defect}"
        );
    }
}

// The install step.

/// The steps of a GitHub job, by name.
fn step<'a>(job: &'a Json, name: &str) -> &'a Json {
    job["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step `{name}` in {job:#}"))
}

/// The install script, the same in every GitHub job and in GitLab's `before_script`.
fn install_script(campaign: &Campaign) -> String {
    let github = campaign.github();
    let scripts: Vec<&str> = ["check", "site", "remind"]
        .iter()
        .map(|job| {
            step(&github["jobs"][job], "安装 shenbao")["run"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(scripts.iter().all(|s| *s == scripts[0]));
    let gitlab = campaign.gitlab();
    assert_eq!(gitlab["default"]["before_script"][0], scripts[0]);
    scripts[0].to_string()
}

/// A folder laid out as a forge's release downloads, `<repo>/releases/download/<tag>/<asset>`,
/// holding what `release.yml`'s Package step packs from this build of shenbao.
fn release(repo: &Path, tag: &str) -> PathBuf {
    let workflow = release_workflow();
    let job = &workflow["jobs"]["linux-x86_64"];
    let asset = workflow["env"]["ASSET"].as_str().unwrap();
    let build = repo.join("build");
    std::fs::create_dir_all(build.join("target/release")).unwrap();
    std::fs::copy(
        env!("CARGO_BIN_EXE_shenbao"),
        build.join("target/release/shenbao"),
    )
    .unwrap();
    let package = step(job, "Package")["run"].as_str().unwrap();
    let out = Command::new("bash")
        .args(["-eo", "pipefail", "-c", package])
        .current_dir(&build)
        .env("ASSET", asset)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let download = repo.join("releases/download").join(tag);
    std::fs::create_dir_all(&download).unwrap();
    for file in [asset.to_string(), format!("{asset}.sha256")] {
        std::fs::rename(build.join(&file), download.join(&file)).unwrap();
    }
    download.join(asset)
}

/// What running an install or remind script did.
struct Ran {
    ok: bool,
    output: String,
    /// The arguments each call of the stand-in program was given, one call a line.
    calls: String,
}

/// Run `script` with `shell` (GitHub runs bash, a GitLab runner may run sh), with a stand-in
/// `name` on PATH that records its arguments and, for `cargo install`, installs a stand-in
/// shenbao where cargo would.
fn run(shell: &[&str], script: &str, stand_in: &str, env: &[(&str, &str)], dir: &Path) -> Ran {
    let bin = dir.join("stand-in");
    std::fs::create_dir_all(&bin).unwrap();
    let calls = dir.join("calls");
    let program = bin.join(stand_in);
    let _ = std::fs::remove_file(&calls);
    std::fs::write(
        &program,
        format!(
            "#!/bin/sh\necho \"$*\" >> '{calls}'\n\
             if [ \"$1\" = install ]; then mkdir -p \"$CARGO_HOME/bin\"; printf '#!/bin/sh\\necho built\\n' > \"$CARGO_HOME/bin/shenbao\"; chmod +x \"$CARGO_HOME/bin/shenbao\"; fi\n\
             exit \"${{STAND_IN_EXIT:-0}}\"\n",
            calls = calls.display()
        ),
    )
    .unwrap();
    let mut perms = std::fs::metadata(&program).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&program, perms).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let mut cmd = Command::new(shell[0]);
    cmd.args(&shell[1..])
        .arg(script)
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .env("HOME", dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Ran {
        ok: out.status.success(),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        calls: std::fs::read_to_string(&calls).unwrap_or_default(),
    }
}

const BASH: &[&str] = &["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"];
const SH: &[&str] = &["sh", "-e", "-c"];

#[test]
fn the_install_step_installs_the_pinned_release_once_its_checksum_agrees() {
    let campaign = Campaign::new();
    let script = install_script(&campaign);
    let github = campaign.github();
    let version = github["env"]["SHENBAO_VERSION"].as_str().unwrap();
    assert_eq!(
        version,
        env!("CARGO_PKG_VERSION"),
        "init pins its own version"
    );
    assert_eq!(
        github["env"]["SHENBAO_REPOSITORY"],
        env!("CARGO_PKG_REPOSITORY")
    );
    let gitlab = campaign.gitlab();
    for key in ["SHENBAO_VERSION", "SHENBAO_REPOSITORY", "SHENBAO_SHA256"] {
        assert_eq!(gitlab["variables"][key], github["env"][key], "{key}");
    }

    // Packed once (the binary is large), laid out afresh for each shell.
    let packed = tempfile::tempdir().unwrap();
    let tag = format!("v{version}");
    let packed_asset = release(packed.path(), &tag);
    for shell in [BASH, SH] {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        common::copy_tree(&packed.path().join("releases"), &repo.join("releases"));
        let asset = repo
            .join("releases/download")
            .join(&tag)
            .join(packed_asset.file_name().unwrap());
        let cargo_home = dir.path().join("cargo");
        let repository = format!("file://{}", repo.display());
        let cargo_home_text = cargo_home.display().to_string();
        let env = |sha| {
            [
                ("SHENBAO_VERSION", version),
                ("SHENBAO_REPOSITORY", repository.as_str()),
                ("SHENBAO_SHA256", sha),
                ("CARGO_HOME", cargo_home_text.as_str()),
            ]
        };
        let installed = cargo_home.join("bin/shenbao");

        // The release: downloaded, checked, unpacked; cargo never runs.
        let ran = run(shell, &script, "cargo", &env(""), dir.path());
        assert!(ran.ok, "{}", ran.output);
        assert_eq!(ran.calls, "", "cargo ran although the release was there");
        assert_eq!(
            std::fs::read(&installed).unwrap(),
            std::fs::read(env!("CARGO_BIN_EXE_shenbao")).unwrap()
        );
        assert!(
            ran.output.contains(&format!("shenbao {version}")),
            "{}",
            ran.output
        );

        // A hash pinned in the CI file that the archive does not have: stop, install nothing.
        std::fs::remove_file(&installed).unwrap();
        let pinned = "0000000000000000000000000000000000000000000000000000000000000000";
        let ran = run(shell, &script, "cargo", &env(pinned), dir.path());
        assert!(!ran.ok, "a wrong pinned hash was accepted:\n{}", ran.output);
        assert!(
            !installed.exists() && ran.calls.is_empty(),
            "{}",
            ran.output
        );
        assert!(ran.output.contains("SHA-256"), "{}", ran.output);

        // An archive changed after its checksum was published: the same.
        let mut bytes = std::fs::read(&asset).unwrap();
        bytes.extend_from_slice(b"tampered");
        std::fs::write(&asset, bytes).unwrap();
        let ran = run(shell, &script, "cargo", &env(""), dir.path());
        assert!(!ran.ok, "a tampered archive was installed:\n{}", ran.output);
        assert!(
            !installed.exists() && ran.calls.is_empty(),
            "{}",
            ran.output
        );

        // No release of this version: built from the repository at its tag.
        std::fs::remove_dir_all(repo.join("releases")).unwrap();
        let ran = run(shell, &script, "cargo", &env(""), dir.path());
        assert!(ran.ok, "{}", ran.output);
        assert_eq!(
            ran.calls.trim(),
            format!(
                "install --locked --git {repository} --tag v{version} --root {} shenbao",
                cargo_home.display()
            )
        );
        assert!(ran.output.contains("built"), "{}", ran.output);
    }
}

// The daily reminders.

fn reminder_env_names(campaign: &Campaign) -> (String, String) {
    let config = campaign.yaml("campaign.yaml");
    let reminders = &config["reminders"];
    (
        reminders["smtp"]["password_env"]
            .as_str()
            .expect("init's campaign names the SMTP password's variable")
            .to_string(),
        reminders["webhook_env"]
            .as_str()
            .expect("init's campaign names the webhook's variable")
            .to_string(),
    )
}

#[test]
fn github_runs_remind_daily_with_the_campaigns_secrets_and_keeps_what_was_sent() {
    let campaign = Campaign::new();
    let github = campaign.github();
    let cron = github["on"]["schedule"][0]["cron"].as_str().unwrap();
    let fields: Vec<&str> = cron.split_whitespace().collect();
    assert_eq!(fields.len(), 5, "{cron}");
    assert_eq!(&fields[2..], ["*", "*", "*"], "daily: {cron}");
    for job in ["check", "site"] {
        let condition = github["jobs"][job]["if"].as_str().unwrap();
        assert!(
            !condition.contains("schedule"),
            "{job} runs on the schedule"
        );
    }
    let remind = &github["jobs"]["remind"];
    assert!(remind["if"].as_str().unwrap().contains("'schedule'"));
    assert!(
        remind["concurrency"].is_string(),
        "two runs could remind twice"
    );

    // The secrets: under the names campaign.yaml gives, from the secrets of those names.
    let (smtp, webhook) = reminder_env_names(&campaign);
    assert_eq!(
        (smtp.as_str(), webhook.as_str()),
        ("SHENBAO_SMTP_PASSWORD", "SHENBAO_WEBHOOK_URL")
    );
    for name in [&smtp, &webhook] {
        assert_eq!(
            remind["env"][name.as_str()],
            format!("${{{{ secrets.{name} }}}}"),
            "{name}"
        );
    }

    // The record of what was sent: restored before remind runs, saved after it even when it
    // failed, under a key that the next run's restore finds.
    let steps = remind["steps"].as_array().unwrap();
    let at = |uses: &str| {
        steps
            .iter()
            .position(|s| s["uses"] == uses)
            .unwrap_or_else(|| panic!("no {uses}"))
    };
    let sends = steps
        .iter()
        .position(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.contains("shenbao remind"))
        })
        .unwrap();
    let (restore, save) = (at("actions/cache/restore@v4"), at("actions/cache/save@v4"));
    assert!(at("actions/checkout@v4") < restore && restore < sends && sends < save);
    for i in [restore, save] {
        assert_eq!(steps[i]["with"]["path"], ".git/shenbao/reminders.json");
    }
    assert_eq!(steps[save]["if"], "always()");
    let key = steps[save]["with"]["key"].as_str().unwrap();
    assert_eq!(steps[restore]["with"]["key"], key);
    let prefix = steps[restore]["with"]["restore-keys"].as_str().unwrap();
    assert!(
        key.starts_with(prefix) && key.contains("github.run_id"),
        "{key}"
    );
}

#[test]
fn gitlab_runs_remind_in_scheduled_pipelines_only_and_keeps_what_was_sent() {
    let campaign = Campaign::new();
    let gitlab = campaign.gitlab();
    let remind = &gitlab["remind"];
    assert_eq!(
        remind["rules"][0]["if"],
        "$CI_PIPELINE_SOURCE == \"schedule\""
    );
    assert!(remind["resource_group"].is_string());
    assert_eq!(remind["cache"]["paths"][0], ".git/shenbao/reminders.json");
    assert_eq!(remind["cache"]["when"], "always");
    // The other jobs stay out of the scheduled pipeline.
    assert!(
        gitlab["pages"]["rules"][0]["if"]
            .as_str()
            .unwrap()
            .contains("$CI_PIPELINE_SOURCE != \"schedule\"")
    );
    assert_eq!(
        gitlab["check"]["rules"][0]["if"],
        "$CI_PIPELINE_SOURCE == \"merge_request_event\""
    );
    // The same script as GitHub's.
    let github = campaign.github();
    assert_eq!(
        remind["script"][0],
        step(&github["jobs"]["remind"], "提醒各单位")["run"]
    );
}

#[test]
fn the_remind_step_sends_through_the_channels_whose_secrets_are_set() {
    let campaign = Campaign::new();
    let github = campaign.github();
    let script = step(&github["jobs"]["remind"], "提醒各单位")["run"]
        .as_str()
        .unwrap()
        .to_string();
    let (smtp, webhook) = reminder_env_names(&campaign);
    type Env<'a> = &'a [(&'a str, &'a str)];
    let cases: [(Env, Option<&str>); 6] = [
        (&[], None),
        (&[("SHENBAO_DRY_RUN", "false")], None),
        (&[(&smtp, "secret")], Some("remind --channel email")),
        (
            &[(&webhook, "https://hook")],
            Some("remind --channel webhook"),
        ),
        (
            &[(&smtp, "secret"), (&webhook, "https://hook")],
            Some("remind"),
        ),
        (&[("SHENBAO_DRY_RUN", "true")], Some("remind --dry-run")),
    ];
    for shell in [BASH, SH] {
        for (env, expected) in cases {
            let dir = tempfile::tempdir().unwrap();
            let ran = run(shell, &script, "shenbao", env, dir.path());
            assert!(ran.ok, "{env:?}: {}", ran.output);
            assert_eq!(ran.calls.trim(), expected.unwrap_or(""), "{env:?}");
            if expected.is_none() {
                assert!(ran.output.contains(&smtp), "{}", ran.output);
            }
            // The real `remind` takes these arguments (with --dry-run, so nothing is sent).
            if let Some(call) = expected {
                let mut args: Vec<&str> = call.split_whitespace().collect();
                if !args.contains(&"--dry-run") {
                    args.push("--dry-run");
                }
                let real = shenbao(&campaign.root, &args);
                assert_eq!(real.code, 0, "shenbao {call}: {}", real.stderr);
            }
        }
        // A failed send fails the job (and the record is saved all the same: see above).
        let dir = tempfile::tempdir().unwrap();
        let ran = run(
            shell,
            &script,
            "shenbao",
            &[(&smtp, "secret"), ("STAND_IN_EXIT", "1")],
            dir.path(),
        );
        assert!(!ran.ok, "a failed remind passed");
    }
}

#[test]
fn the_remind_step_runs_the_real_remind_as_a_dry_run() {
    let campaign = Campaign::new();
    let github = campaign.github();
    let script = step(&github["jobs"]["remind"], "提醒各单位")["run"]
        .as_str()
        .unwrap()
        .to_string();
    let bin = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_shenbao"), bin.path().join("shenbao")).unwrap();
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &script])
        .current_dir(&campaign.root)
        .env_clear()
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin.path().display(),
                std::env::var("PATH").unwrap()
            ),
        )
        .env("SHENBAO_DRY_RUN", "true")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // init's units have no entries: both are short of their minimum and are told so.
    for unit in ["示例县总工会", "示例企业工会"] {
        assert!(stdout.contains(unit), "no reminder for {unit}:\n{stdout}");
    }
}
