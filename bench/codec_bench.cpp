// Codec micro-benchmarks: request encoding, typed decoding of 1- and 1000-inventory replies,
// and a raw RapidJSON DOM parse of the same bytes as the baseline.

#include "bench_data.hpp"
#include "codec/codec.hpp"
#include "core/request.hpp"
#include "zstack/actions.hpp"

#include <benchmark/benchmark.h>
#include <rapidjson/document.h>

namespace {

void EncodeCreateVip(benchmark::State& state) {
  zstack::CreateVipAction a;
  a.name = "vip1";
  a.description = "a benchmark vip";
  a.l3NetworkUuid = "15788630ef6644af99c5378edf4e54da";
  a.requiredIp = "10.0.0.2";
  a.systemTags = {"tag::one"};
  const auto& spec = zstack::CreateVipAction::spec();
  for (auto _ : state) {
    if (auto err = zstack::core::validate(spec, &a)) state.SkipWithError("invalid");
    auto wire = zstack::core::buildWire(spec, &a);
    benchmark::DoNotOptimize(wire);
  }
}
BENCHMARK(EncodeCreateVip);

void DecodeQueryVipTyped(benchmark::State& state) {
  const std::string body = bench::queryVipReply(static_cast<int>(state.range(0)));
  const auto& type = zstack::schema::typeOf<zstack::QueryReply<zstack::VipInventory>>();
  for (auto _ : state) {
    zstack::QueryReply<zstack::VipInventory> reply;
    if (zstack::codec::decode(type, body, &reply)) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(reply);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(DecodeQueryVipTyped)->Arg(1)->Arg(1000);

void RawDomParse(benchmark::State& state) {
  const std::string body = bench::queryVipReply(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    rapidjson::Document doc;
    doc.Parse(body.data(), body.size());
    if (doc.HasParseError()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(doc);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(RawDomParse)->Arg(1)->Arg(1000);

}  // namespace

BENCHMARK_MAIN();
