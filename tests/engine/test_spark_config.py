"""Spark's configuration from the environment, the lake's address for Spark, and the options a
session starts with (local, a named master, or under spark-submit). No JVM: these run everywhere."""

from __future__ import annotations

import pytest

import lantern.spark_submit
from lantern.engine.spark import (
    LOCAL_DEFAULTS,
    SparkConfig,
    lake_file_uri,
    parse_conf,
    session_options,
    submitted,
)

JAR = "/site-packages/splink/scala-udf-similarity.jar"


def test_the_defaults_are_local_mode_on_the_local_lake():
    config = SparkConfig.from_environ({})
    assert config == SparkConfig(master="local[2]", conf=(), lake_uri="", checkpoint_dir="")


def test_the_environment_names_the_master_the_conf_and_the_lake():
    config = SparkConfig.from_environ(
        {
            "LANTERN_SPARK_MASTER": "spark://spark-master:7077",
            "LANTERN_SPARK_CONF": "spark.executor.memory=4g, spark.hadoop.fs.s3a.endpoint=http://minio:9000",
            "LANTERN_SPARK_LAKE_URI": "s3a://police-lake/lantern/lake/",
            "LANTERN_SPARK_CHECKPOINT_DIR": "s3a://police-lake/lantern/checkpoints",
        }
    )
    assert config.master == "spark://spark-master:7077"
    assert config.conf == (
        ("spark.executor.memory", "4g"),
        ("spark.hadoop.fs.s3a.endpoint", "http://minio:9000"),
    )
    assert config.lake_uri == "s3a://police-lake/lantern/lake"  # no trailing slash
    assert config.checkpoint_dir == "s3a://police-lake/lantern/checkpoints"


def test_a_list_value_keeps_its_commas_and_a_value_may_hold_equals():
    text = (
        "spark.jars.packages=org.apache.hadoop:hadoop-aws:3.5.0,com.example:extra:1.0,"
        "spark.driver.extraJavaOptions=-Dlog4j.level=WARN"
    )
    assert parse_conf(text) == (
        ("spark.jars.packages", "org.apache.hadoop:hadoop-aws:3.5.0,com.example:extra:1.0"),
        ("spark.driver.extraJavaOptions", "-Dlog4j.level=WARN"),
    )


@pytest.mark.parametrize("text", ["executor.memory=4g", "4g", "=x", "spark.executor.memory"])
def test_a_malformed_conf_names_the_bad_piece(text):
    with pytest.raises(ValueError, match="LANTERN_SPARK_CONF"):
        SparkConfig.from_environ({"LANTERN_SPARK_CONF": text})


def test_a_lake_uri_must_be_a_uri():
    with pytest.raises(ValueError, match="give a URI"):
        SparkConfig.from_environ({"LANTERN_SPARK_LAKE_URI": "/mnt/lake"})


def test_a_lake_file_keeps_its_kind_partition_and_name_under_the_uri():
    path = "/srv/lantern/var/lake/reads/date=2026-11-01/part-3f2a.parquet"
    assert lake_file_uri(path, "") == path
    assert (
        lake_file_uri(path, "s3a://police-lake/lantern/lake")
        == "s3a://police-lake/lantern/lake/reads/date=2026-11-01/part-3f2a.parquet"
    )
    with pytest.raises(ValueError, match="not a lake file"):
        lake_file_uri("/tmp/export.parquet", "s3a://police-lake/lake")


def test_local_mode_gets_small_machine_settings_and_splinks_jar():
    master, options = session_options(SparkConfig(), JAR, under_submit=False)
    assert master == "local[2]"
    assert options["spark.jars"] == JAR and options["spark.app.name"] == "lantern"
    assert LOCAL_DEFAULTS.items() <= options.items()


def test_a_cluster_master_keeps_sparks_own_defaults_and_adds_the_conf():
    config = SparkConfig(
        master="yarn", conf=(("spark.executor.memory", "4g"), ("spark.jars", "/opt/hadoop-aws.jar"))
    )
    master, options = session_options(config, JAR, under_submit=False)
    assert master == "yarn"
    assert not LOCAL_DEFAULTS.keys() & options.keys()
    assert options["spark.executor.memory"] == "4g"
    assert options["spark.jars"] == f"{JAR},/opt/hadoop-aws.jar"  # both on the class path


def test_under_spark_submit_its_master_name_and_jars_win():
    config = SparkConfig(master="local[2]", conf=(("spark.executor.memory", "4g"),))
    master, options = session_options(config, JAR, under_submit=True)
    assert master is None
    assert options == {"spark.executor.memory": "4g"}


def test_spark_submit_is_recognised_by_the_gateway_it_hands_python(monkeypatch):
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    assert not submitted()
    monkeypatch.setenv("PYSPARK_GATEWAY_PORT", "41235")
    assert submitted()


def test_the_entry_point_names_its_jar_and_refuses_another_engine(capsys):
    assert lantern.spark_submit.main(["--jar"]) == 0
    assert capsys.readouterr().out.strip().endswith(".jar")
    assert lantern.spark_submit.main(["--path"]) == 0
    assert capsys.readouterr().out.strip().endswith("spark_submit.py")
    assert lantern.spark_submit.main(["screen", "--engine", "duckdb"]) == 2
    assert lantern.spark_submit.main(["migrate"]) == 2
    assert "usage: spark-submit" in capsys.readouterr().err


def test_settings_carry_the_checked_configuration(settings):
    assert isinstance(settings.LANTERN_SPARK, SparkConfig)
