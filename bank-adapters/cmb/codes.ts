// CMB return codes (README.md §4) and the mapping of every centre error to one of them.
// E1xxx: the centre refused the transaction (final); E8xxx: the adapter's access to the centre is
// broken (configuration; nothing happened); E90xx: the bank's message or file was refused by the
// adapter and never forwarded; E98xx: the outcome at the centre is unknown (resend the same Serial
// or query).
import type { NativeCodeTable } from '../centre-codes.ts';

export const CMB_CODES = {
  CMB0000: '交易成功',
  E1001: '卡号不存在',
  E1002: '卡片状态不允许圈存',
  E1003: '该卡有未完成的圈存交易',
  E1004: 'MAC1校验失败',
  E1005: '圈存金额超出限额',
  E1006: 'TAC校验失败，交易待人工核查',
  E1007: '该圈存已冲正',
  E1008: '该圈存已确认，不能冲正',
  E1009: '卡片已完成圈存，不能冲正',
  E1010: '圈存交易不存在',
  E1011: '无权操作该圈存交易',
  E1012: '流水号重复且报文内容不一致',
  E1099: '中心拒绝交易',
  E8001: '中心报文校验失败',
  E8002: '中心认证失败',
  E8003: '请求时间戳超出允许范围',
  E8004: '中心接口调用错误',
  E8005: '中心繁忙，请稍后重试',
  E9001: '报文不是合法的UTF-8 XML',
  E9002: '交易码不支持',
  E9003: '报文含未定义或重复的元素',
  E9004: '报文缺少必填元素',
  E9005: '字段格式或长度错误',
  E9006: '对账文件格式错误',
  E9801: '中心系统异常，交易结果未知',
  E9802: '中心通讯失败，交易结果未知',
  E9803: '中心应答无法识别，交易结果未知',
} as const;

export type CmbCode = keyof typeof CMB_CODES;

export const CENTRE_TO_CMB: NativeCodeTable<CmbCode> = {
  table: {
    'card-not-found': 'E1001',
    'card-not-loadable': 'E1002',
    'load-in-flight': 'E1003',
    'mac1-invalid': 'E1004',
    'amount-out-of-range': 'E1005',
    'tac-invalid': 'E1006',
    'load-reversed': 'E1007',
    'load-confirmed': 'E1008',
    'card-credited': 'E1009',
    'load-not-found': 'E1010',
    forbidden: 'E1011',
    'idempotency-conflict': 'E1012',
    'invalid-request': 'E8001',
    'bad-signature': 'E8002',
    'unknown-client': 'E8002',
    unauthenticated: 'E8002',
    'stale-timestamp': 'E8003',
    'idempotency-key-required': 'E8004',
    'unsupported-media-type': 'E8004',
    'payload-too-large': 'E8004',
    'not-found': 'E8004',
    'rate-limited': 'E8005',
    internal: 'E9801',
    unavailable: 'E9801',
    'network-error': 'E9802',
    'bad-response': 'E9803',
  },
  otherRefusal: 'E1099',
  otherFailure: 'E9801',
};
