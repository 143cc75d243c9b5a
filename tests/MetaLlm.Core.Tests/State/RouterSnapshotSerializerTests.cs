using System.Text;
using System.Text.Json.Nodes;
using static MetaLlm.Tests.State.SnapshotFixtures;

namespace MetaLlm.Tests.State;

public class RouterSnapshotSerializerTests
{
    [Fact]
    public void Every_double_of_every_arm_round_trips_bit_for_bit_at_every_dimension_from_1_to_40()
    {
        for (int dimension = 1; dimension <= 40; dimension++)
        {
            var snapshot = Create(seed: dimension, dimension, armCount: 1 + (dimension % 4));

            byte[] bytes = RouterSnapshotSerializer.Serialize(snapshot);
            var read = RouterSnapshotSerializer.Deserialize(bytes);

            read.ShouldBeBitIdenticalTo(snapshot);
            RouterSnapshotSerializer.Serialize(read).Should().Equal(bytes, $"a snapshot read back must write the same bytes (d = {dimension})");
        }
    }

    [Fact]
    public void The_vectors_take_the_upper_triangle_and_two_targets_per_arm()
    {
        const int d = 7;
        var snapshot = Create(seed: 3, d, armCount: 3);

        var forged = ForgedSnapshot.From(RouterSnapshotSerializer.Serialize(snapshot));

        forged.Vectors.Length.Should().Be(3 * ((d * (d + 1) / 2) + (2 * d)) * sizeof(double));
        forged.Version.Should().Be(RouterSnapshot.CurrentFormatVersion);
        forged.Header()["arms"]!.AsArray().Select(arm => (string)arm!["name"]!).Should().Equal(
            snapshot.Arms.Keys.Order(StringComparer.Ordinal), "arms are written in ordinal order of their names");
    }

    [Fact]
    public void Equal_snapshots_give_equal_bytes_whatever_the_order_arms_were_added_in()
    {
        var snapshot = Create(seed: 11, dimension: 4, armCount: 4);
        var reversed = new RouterSnapshot
        {
            TakenAt = snapshot.TakenAt,
            StatisticsAsOf = snapshot.StatisticsAsOf,
            FeaturizerName = snapshot.FeaturizerName,
            FeatureDimension = snapshot.FeatureDimension,
            FeaturizerFingerprint = snapshot.FeaturizerFingerprint,
            PolicyName = snapshot.PolicyName,
            PolicySettings = snapshot.PolicySettings.Reverse().ToDictionary(),
            CostWeight = snapshot.CostWeight,
            DecisionCount = snapshot.DecisionCount,
            FeedbackCount = snapshot.FeedbackCount,
            Arms = snapshot.Arms.Reverse().ToDictionary(),
        };

        RouterSnapshotSerializer.Serialize(reversed).Should().Equal(RouterSnapshotSerializer.Serialize(snapshot));
    }

    [Fact]
    public void A_snapshot_with_no_arms_and_no_settings_round_trips()
    {
        var empty = new RouterSnapshot { FeaturizerName = "hashing-2", FeatureDimension = 2, FeaturizerFingerprint = string.Empty, Arms = new Dictionary<string, ArmStatistics>() };

        var read = RouterSnapshotSerializer.Deserialize(RouterSnapshotSerializer.Serialize(empty));

        read.ShouldBeBitIdenticalTo(empty);
    }

    [Fact]
    public void A_Gram_matrix_left_asymmetric_by_rounding_is_read_back_as_the_mirror_of_its_upper_triangle()
    {
        var snapshot = Create(seed: 5, dimension: 3, armCount: 1);
        var gram = snapshot.Arms["alpha"].Gram;
        gram[3] = 1.0; // (1, 0): lower
        gram[1] = 1.0 + 1e-12; // (0, 1): upper, within what validation accepts
        snapshot.GetValidationErrors().Should().BeEmpty();

        var read = RouterSnapshotSerializer.Deserialize(RouterSnapshotSerializer.Serialize(snapshot)).Arms["alpha"].Gram;

        read[1].Should().Be(1.0 + 1e-12);
        read[3].Should().Be(1.0 + 1e-12, "the lower triangle is the mirror of the upper one");
    }

    [Fact]
    public void A_snapshot_that_could_not_be_loaded_is_not_written()
    {
        RouterSnapshot WithArm(Action<ArmStatistics> spoil)
        {
            var snapshot = Create(seed: 8, dimension: 3, armCount: 2);
            spoil(snapshot.Arms["beta"]);
            return snapshot;
        }

        var cases = new (string Why, RouterSnapshot Snapshot, string Message)[]
        {
            ("NaN in a Gram matrix", WithArm(arm => arm.Gram[4] = double.NaN), "*Arm 'beta'*Gram[4]*"),
            ("an asymmetric Gram matrix", WithArm(arm => arm.Gram[1] = arm.Gram[3] + 1), "*Arm 'beta'*not symmetric*"),
            ("a negative count", WithArm(arm => arm.Count = -1), "*Arm 'beta'*Count is negative*"),
            ("another format version", new RouterSnapshot { FormatVersion = 3, FeaturizerName = "f", FeatureDimension = 1, FeaturizerFingerprint = "x", Arms = new Dictionary<string, ArmStatistics>() }, "*version 3*"),
            ("no fingerprint", new RouterSnapshot { FeaturizerName = "f", FeatureDimension = 1, FeaturizerFingerprint = null!, Arms = new Dictionary<string, ArmStatistics>() }, "*FeaturizerFingerprint is missing*"),
            ("an infinite policy setting", new RouterSnapshot { FeaturizerName = "f", FeatureDimension = 1, FeaturizerFingerprint = "x", PolicySettings = new Dictionary<string, double> { ["alpha"] = double.PositiveInfinity }, Arms = new Dictionary<string, ArmStatistics>() }, "*'alpha' is not finite*"),
        };

        foreach (var (why, snapshot, message) in cases)
        {
            FluentActions.Invoking(() => RouterSnapshotSerializer.Serialize(snapshot)).Should().Throw<ArgumentException>(why).WithMessage(message);
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })] // a zip file
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A })] // a PNG signature
    [InlineData(new byte[] { 0x89, 0x4D, 0x4C, 0x53, 0x4E, 0x41, 0x50, 0x0D, 0x0A })] // the signature after a newline conversion
    [InlineData(new byte[] { 0x7B })] // "{"
    public void Data_that_does_not_start_with_the_signature_is_not_a_snapshot(byte[] data)
    {
        Refusal(data).Reason.Should().Be(RouterSnapshotFailureReason.NotASnapshot);
    }

    [Fact]
    public void A_JSON_file_is_not_a_snapshot()
    {
        var refusal = Refusal(Encoding.UTF8.GetBytes("""{"featurizer":{"name":"hashing-8","dimension":8},"arms":[]}"""));

        refusal.Reason.Should().Be(RouterSnapshotFailureReason.NotASnapshot);
        refusal.Message.Should().Contain("not a MetaLlm router snapshot");
    }

    [Fact]
    public void A_snapshot_cut_short_anywhere_is_truncated()
    {
        byte[] bytes = RouterSnapshotSerializer.Serialize(Create(seed: 21, dimension: 5, armCount: 3));
        int headerEnd = RouterSnapshotSerializer.HeaderOffset + (bytes.Length - RouterSnapshotSerializer.HeaderOffset - ForgedSnapshot.From(bytes).Vectors.Length - RouterSnapshotSerializer.ChecksumLength);
        int[] cuts = [0, 1, 5, 8, 12, 19, 20, 24, headerEnd / 2, headerEnd, headerEnd + 1, (headerEnd + bytes.Length) / 2, bytes.Length - 32, bytes.Length - 1];

        foreach (int cut in cuts)
        {
            var refusal = Refusal(bytes.AsSpan(0, cut));

            refusal.Reason.Should().Be(RouterSnapshotFailureReason.Truncated, $"a snapshot cut at {cut} of {bytes.Length} bytes is truncated");
            refusal.Message.Should().Contain("truncated");
        }
    }

    [Fact]
    public void Any_damaged_byte_is_caught_by_the_checksum_and_the_signature_or_the_declared_length()
    {
        byte[] bytes = RouterSnapshotSerializer.Serialize(Create(seed: 4, dimension: 2, armCount: 2));

        for (int position = 0; position < bytes.Length; position++)
        {
            byte[] damaged = (byte[])bytes.Clone();
            damaged[position] ^= 0x10;

            var reason = Refusal(damaged).Reason;

            if (position < RouterSnapshotSerializer.VersionOffset)
            {
                reason.Should().Be(RouterSnapshotFailureReason.NotASnapshot, $"byte {position} is in the signature");
            }
            else if (position is >= RouterSnapshotSerializer.LengthOffset and < RouterSnapshotSerializer.EnvelopeLength)
            {
                // A longer length reads as a cut-short file; a shorter one puts the checksum elsewhere.
                reason.Should().BeOneOf([RouterSnapshotFailureReason.Truncated, RouterSnapshotFailureReason.ChecksumMismatch, RouterSnapshotFailureReason.Invalid], $"byte {position} is in the declared length");
            }
            else
            {
                reason.Should().Be(RouterSnapshotFailureReason.ChecksumMismatch, $"byte {position} of {bytes.Length} was damaged (a damaged version too is corruption, not a newer format)");
            }
        }
    }

    [Fact]
    public void A_version_1_snapshot_of_an_earlier_release_still_loads_with_no_chosen_penalty()
    {
        var snapshot = Create(seed: 5, dimension: 4);
        foreach (var arm in snapshot.Arms.Values)
        {
            arm.Regularization = null;
        }

        var forged = ForgedSnapshot.From(RouterSnapshotSerializer.Serialize(snapshot));
        forged.Header()["arms"]!.AsArray().Should().OnlyContain(arm => !arm!.AsObject().ContainsKey("regularization"), "an arm without a chosen penalty writes none");
        forged.Version = 1;

        var read = RouterSnapshotSerializer.Deserialize(forged.Seal());

        read.FormatVersion.Should().Be(1);
        read.Arms.Values.Should().OnlyContain(arm => arm.Regularization == null);
        read.Arms["alpha"].Gram.Should().Equal(snapshot.Arms["alpha"].Gram);
    }

    [Fact]
    public void A_version_1_snapshot_that_lists_a_penalty_is_refused_since_that_version_has_none()
    {
        var snapshot = Create(seed: 6, dimension: 3);
        snapshot.Arms["beta"].Regularization = 4;
        var forged = ForgedSnapshot.From(RouterSnapshotSerializer.Serialize(snapshot));
        forged.Version = 1;

        var refusal = Refusal(forged.Seal());

        refusal.Reason.Should().Be(RouterSnapshotFailureReason.Invalid);
        refusal.Message.Should().Contain("version 1").And.Contain("penalt");
    }

    [Fact]
    public void A_chosen_penalty_that_is_not_positive_is_refused_on_reading_and_on_writing()
    {
        var snapshot = Create(seed: 7, dimension: 3);
        snapshot.Arms["beta"].Regularization = 4;
        var forged = ForgedSnapshot.From(RouterSnapshotSerializer.Serialize(snapshot));
        forged.EditHeader(h => h["arms"]!.AsArray().First(a => (string)a!["name"]! == "beta")!["regularization"] = -4.0);

        Refusal(forged.Seal()).Message.Should().Contain("Regularization must be positive");

        snapshot.Arms["beta"].Regularization = 0;
        FluentActions.Invoking(() => RouterSnapshotSerializer.Serialize(snapshot)).Should().Throw<ArgumentException>().WithMessage("*Regularization must be positive*");
    }

    [Fact]
    public void A_newer_version_asks_for_an_upgrade()
    {
        var forged = ForgedSnapshot.From(RouterSnapshotSerializer.Serialize(Create(seed: 1, dimension: 3)));
        forged.Version = RouterSnapshot.CurrentFormatVersion + 1;

        var refusal = Refusal(forged.Seal());

        refusal.Reason.Should().Be(RouterSnapshotFailureReason.NewerVersion);
        refusal.Message.Should().Contain($"format version {RouterSnapshot.CurrentFormatVersion + 1}").And.Contain("upgrade MetaLlm");
    }

    [Fact]
    public void A_newer_version_is_recognised_without_knowing_its_layout()
    {
        // A later version may lay out everything after the envelope differently; only the envelope must be read.
        var forged = ForgedSnapshot.From(RouterSnapshotSerializer.Serialize(Create(seed: 1, dimension: 3)));
        forged.Version = 7;
        forged.HeaderText = "a layout version 1 does not know";
        forged.Vectors = [1, 2, 3];

        Refusal(forged.Seal(headerLength: -5)).Reason.Should().Be(RouterSnapshotFailureReason.NewerVersion);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void A_version_no_MetaLlm_writes_is_unknown(int version)
    {
        var forged = ForgedSnapshot.From(RouterSnapshotSerializer.Serialize(Create(seed: 1, dimension: 3)));
        forged.Version = version;

        var refusal = Refusal(forged.Seal());

        refusal.Reason.Should().Be(RouterSnapshotFailureReason.UnknownVersion);
        refusal.Message.Should().Contain($"format version {version}");
    }

    [Fact]
    public void Non_finite_statistics_under_a_correct_checksum_are_invalid_and_named_by_arm_and_field()
    {
        byte[] bytes = RouterSnapshotSerializer.Serialize(Create(seed: 9, dimension: 4, armCount: 3));

        var cases = new (Func<ForgedSnapshot, ForgedSnapshot> Forge, string Message)[]
        {
            (f => f.SetVector(arm: 1, index: 2, double.NaN), "*Arm 'beta': Gram[2] is not finite (NaN)*"),
            (f => f.SetVector(arm: 0, index: f.ScoreTargetIndex(3), double.NegativeInfinity), "*Arm 'alpha': ScoreTargets[3] is not finite*"),
            (f => f.SetVector(arm: 2, index: f.OutputTokenTargetIndex(0), double.PositiveInfinity), "*OutputTokenTargets[0] is not finite*"),
        };

        foreach (var (forge, message) in cases)
        {
            var refusal = Refusal(forge(ForgedSnapshot.From(bytes)).Seal());

            refusal.Reason.Should().Be(RouterSnapshotFailureReason.Invalid);
            refusal.Message.Should().Match(message);
        }
    }

    [Fact]
    public void Negative_counts_and_sums_and_non_finite_numbers_in_the_header_are_invalid()
    {
        byte[] bytes = RouterSnapshotSerializer.Serialize(Create(seed: 9, dimension: 2, armCount: 2));

        var cases = new (Action<JsonObject> Edit, string Message)[]
        {
            (h => h["arms"]![1]!["count"] = -1, "*Arm 'beta': Count is negative (-1)*"),
            (h => h["arms"]![0]!["scoreSquares"] = -0.5, "*Arm 'alpha': ScoreSquares is negative*"),
            (h => h["costWeight"] = -1.0, "*CostWeight must be finite and not negative*"),
            (h => h["arms"]![0]!["outputTokens"] = JsonNode.Parse("1e999"), "*"), // beyond double: infinite or refused by the reader
        };

        foreach (var (edit, message) in cases)
        {
            var refusal = Refusal(ForgedSnapshot.From(bytes).EditHeader(edit).Seal());

            refusal.Reason.Should().Be(RouterSnapshotFailureReason.Invalid);
            refusal.Message.Should().Match(message);
        }

        var nan = ForgedSnapshot.From(bytes);
        nan.HeaderText = nan.HeaderText.Replace("\"costWeight\":", "\"costWeight\":NaN,\"x\":", StringComparison.Ordinal);
        Refusal(nan.Seal()).Reason.Should().Be(RouterSnapshotFailureReason.Invalid, "JSON has no NaN");
    }

    [Fact]
    public void A_header_that_is_not_the_one_this_version_writes_is_invalid()
    {
        byte[] bytes = RouterSnapshotSerializer.Serialize(Create(seed: 2, dimension: 2, armCount: 2));

        var cases = new (Action<ForgedSnapshot> Forge, string Message)[]
        {
            (f => f.HeaderText = "not json", "*header is not the JSON*"),
            (f => f.HeaderText = string.Empty, "*header is not the JSON*"),
            (f => f.HeaderText = "null", "*has no header*"),
            (f => f.EditHeader(h => h.Remove("featurizer")), "*header is not the JSON*featurizer*"),
            (f => f.EditHeader(h => h["featurizer"] = null), "*has no featurizer*"),
            (f => f.EditHeader(h => h["arms"]![0]!["name"] = null), "*has no arms[].name*"),
            (f => f.EditHeader(h => h["prompt"] = "an unknown member"), "*header is not the JSON*prompt*"),
            (f => f.EditHeader(h => h["arms"]![1]!["name"] = "alpha"), "*lists arm 'alpha' twice*"),
            (f => f.EditHeader(h => h["featurizer"]!["dimension"] = 0), "*feature dimension must be between 1 and*"),
            (f => f.EditHeader(h => h["featurizer"]!["dimension"] = 3), "*2 arms of dimension 3*"),
            (f => f.Vectors = f.Vectors[..^8], "*2 arms of dimension 2*"),
            (f => f.EditHeader(h => h["featurizer"]!["name"] = " "), "*FeaturizerName is empty*"),
        };

        foreach (var (forge, message) in cases)
        {
            var forged = ForgedSnapshot.From(bytes);
            forge(forged);

            var refusal = Refusal(forged.Seal());

            refusal.Reason.Should().Be(RouterSnapshotFailureReason.Invalid, message);
            refusal.Message.Should().Match(message);
        }
    }

    [Fact]
    public void Bytes_after_the_end_of_a_snapshot_are_refused()
    {
        byte[] bytes = RouterSnapshotSerializer.Serialize(Create(seed: 2, dimension: 2, armCount: 1));

        var refusal = Refusal([.. bytes, 0]);

        refusal.Reason.Should().Be(RouterSnapshotFailureReason.Invalid);
        refusal.Message.Should().Contain("1 more follow");
    }

    [Fact]
    public void Huge_claimed_lengths_are_refused_before_anything_is_allocated_for_them()
    {
        byte[] bytes = RouterSnapshotSerializer.Serialize(Create(seed: 2, dimension: 2, armCount: 2));
        var claimsTooMuch = (byte[])bytes.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(claimsTooMuch.AsSpan(RouterSnapshotSerializer.LengthOffset), long.MaxValue);
        byte[] headerClaimsTooMuch = ForgedSnapshot.From(bytes).Seal(headerLength: int.MaxValue);

        // 200 arms of dimension 4096 would be 200 × 128 MiB of Gram matrices; the file holds none of it.
        var huge = ForgedSnapshot.From(bytes).EditHeader(h =>
        {
            h["featurizer"]!["dimension"] = LinearPolicyOptions.MaxDimension;
            var arm = h["arms"]![0]!;
            h["arms"] = new JsonArray([.. Enumerable.Range(0, 200).Select(i => { var copy = arm.DeepClone(); copy["name"] = $"arm-{i}"; return copy; })]);
        }).Seal();

        var cases = new (byte[] Data, RouterSnapshotFailureReason Reason)[]
        {
            (claimsTooMuch, RouterSnapshotFailureReason.Truncated),
            (headerClaimsTooMuch, RouterSnapshotFailureReason.Invalid),
            (huge, RouterSnapshotFailureReason.Invalid),
        };

        foreach (var (data, reason) in cases)
        {
            Refusal(data); // warm up, so the measure below is of the refusal alone
            long before = GC.GetAllocatedBytesForCurrentThread();

            var refusal = Refusal(data);

            (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(4 << 20, "nothing may be allocated from a length the data claims");
            refusal.Reason.Should().Be(reason);
        }
    }

    private static RouterSnapshotException Refusal(ReadOnlySpan<byte> data)
    {
        try
        {
            RouterSnapshotSerializer.Deserialize(data);
        }
        catch (RouterSnapshotException exception)
        {
            return exception;
        }

        throw new Xunit.Sdk.XunitException("The data was read as a snapshot, but it should have been refused.");
    }
}
