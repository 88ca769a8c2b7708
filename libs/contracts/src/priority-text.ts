import { Priority } from './gen/edoc/v1/common_pb';

const PRIORITY_NAMES: Record<Priority, string> = {
  [Priority.NORMAL_UNSPECIFIED]: 'Thường',
  [Priority.URGENT]: 'Khẩn',
  [Priority.VERY_URGENT]: 'Thượng khẩn',
  [Priority.FLASH]: 'Hỏa tốc',
  [Priority.FLASH_TIMED]: 'Hỏa tốc hẹn giờ',
};

/** The urgency (độ khẩn) as Decree 30 writes it. */
export function priorityText(priority: Priority): string {
  return PRIORITY_NAMES[priority] ?? String(priority);
}
