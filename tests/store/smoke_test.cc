// A first end-to-end check of the store on the real file system: put, get, dedup, reopen.
#include <gtest/gtest.h>

#include "ddc/store.h"
#include "tests/test_util.h"

namespace ddc {
namespace {

TEST(StoreSmoke, PutGetReopen) {
  test::TempDir dir;
  Options options;
  options.dir = dir.path();
  Cid a, b;
  {
    auto store = Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto ca = (*store)->PutBlob(std::string_view("hello"));
    ASSERT_TRUE(ca.ok()) << ca.status().ToString();
    a = *ca;
    std::string big(100000, 'x');
    auto cb = (*store)->PutBlob(std::string_view(big));
    ASSERT_TRUE(cb.ok());
    b = *cb;
    auto again = (*store)->PutBlob(std::string_view("hello"));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, a);
    auto got = (*store)->Get(a);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, "hello");
    StoreStats st = (*store)->Stats();
    EXPECT_EQ(st.records, 2u);
    EXPECT_EQ(st.dedup_hits, 1u);
    EXPECT_EQ(st.compressed_records, 1u);
    ASSERT_OK((*store)->Close());
  }
  auto store = Store::Open(options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_TRUE((*store)->Stats().opened_from_snapshot);
  auto got = (*store)->Get(b);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, std::string(100000, 'x'));
  EXPECT_EQ((*store)->Stats().records, 2u);
}

}  // namespace
}  // namespace ddc
